import { Logger } from 'pino';
import { RecordedDomainEvent } from '../../eventsourcing/event-store/event-metadata';
import { traceEventHandling } from '../tracing/event-spans';
import { LogFields, withLogFields } from './log-context';

/**
 * Where each handled event's debug line goes: the app's logger once it starts. Runners used on
 * their own (tools, tests building a read model) write none.
 */
let handledEvents: Logger | undefined;

export function logHandledEventsTo(logger: Logger): void {
  handledEvents = logger.child({ context: 'Subscriptions' });
}

/** The ids of an event as a consumer handles it. */
export function eventLogFields(consumer: string, event: RecordedDomainEvent): LogFields {
  const { correlationId, causationId, commandId, userId } = event.metadata;
  return {
    consumer,
    eventId: event.eventId,
    eventType: event.type,
    correlationId,
    causationId,
    commandId,
    ...(userId ? { userId } : {}),
  };
}

/**
 * What a batch's log lines carry: an event's own ids when it is alone, else the ids its events
 * share (a command's events go together).
 */
function batchLogFields(consumer: string, events: readonly RecordedDomainEvent[]): LogFields {
  if (events.length === 1) return eventLogFields(consumer, events[0]);
  const shared: LogFields = { consumer };
  for (const key of ['correlationId', 'commandId', 'userId'] as const) {
    const first = events[0]?.metadata[key];
    if (first !== undefined && events.every((event) => event.metadata[key] === first)) shared[key] = first;
  }
  return shared;
}

/** Runs `fn` with the ids of the batch on its lines: for what is logged about a batch outside its handling. */
export function withEventLogFields<T>(
  consumer: string,
  events: readonly RecordedDomainEvent[],
  fn: () => T,
): T {
  return withLogFields(batchLogFields(consumer, events), fn);
}

/**
 * Runs a consumer's handling of a batch with the events' ids on its log lines and, unless told
 * otherwise, a span for each traced event; once handled, each event gets a debug line of its own.
 */
export async function observeEventHandling<T>(
  consumer: string,
  events: readonly RecordedDomainEvent[],
  handle: () => Promise<T>,
  traced = true,
): Promise<T> {
  const result = await withLogFields(batchLogFields(consumer, events), () =>
    traced ? traceEventHandling(consumer, events, handle) : handle(),
  );
  const log = handledEvents;
  if (log?.isLevelEnabled('debug')) {
    for (const event of events) {
      withLogFields(eventLogFields(consumer, event), () => log.debug(`handled ${event.type}`));
    }
  }
  return result;
}
