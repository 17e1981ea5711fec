import { eventTypeFilter } from '@eventstore/db-client';
import { COMMAND_ACCEPTED } from '../deciders/idempotency-keys';
import { SNAPSHOT } from '../deciders/snapshots';

/** Domain events only: not the server's own (`$…`), the command records of IdempotencyKeys, nor snapshots. */
const DOMAIN_EVENT_TYPE = `^(?!\\$|${COMMAND_ACCEPTED}$|${SNAPSHOT}$)`;

/** The filter every subscription reads `$all` with. */
export const DOMAIN_EVENTS = eventTypeFilter({ regex: DOMAIN_EVENT_TYPE });

const domainEventType = new RegExp(DOMAIN_EVENT_TYPE);
export const isDomainEventType = (type: string): boolean => domainEventType.test(type);

/** Every event the application records: domain events and the command records, not snapshots. */
const RECORDED_EVENT_TYPE = `^(?!\\$|${SNAPSHOT}$)`;

/** The filter of a consumer of command records too: the audit index. */
export const RECORDED_EVENTS = eventTypeFilter({ regex: RECORDED_EVENT_TYPE });

const recordedEventType = new RegExp(RECORDED_EVENT_TYPE);
export const isRecordedEventType = (type: string): boolean => recordedEventType.test(type);
