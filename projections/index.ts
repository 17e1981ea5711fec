import type { AnyProjection } from '../src/eventsourcing/projections/projection-definition';
import { auditIndexProjection } from './audit-index.projection';
import { meetupCatalogProjection } from './meetup-catalog.projection';
import { meetupSalesProjection } from './meetup-sales.projection';
import { ordersProjection } from './orders.projection';
import { usersProjection } from './users.projection';

/** Every read model the worker keeps up to date. */
export const projections: AnyProjection[] = [
  meetupCatalogProjection,
  usersProjection,
  ordersProjection,
  meetupSalesProjection,
  auditIndexProjection,
];
