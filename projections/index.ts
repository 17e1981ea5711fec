import type { AnyProjection } from '../src/eventsourcing/projections/projection-definition';
import { meetupCatalogProjection } from './meetup-catalog.projection';

/** Every read model the worker keeps up to date. */
export const projections: AnyProjection[] = [meetupCatalogProjection];
