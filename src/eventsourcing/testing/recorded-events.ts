import { DomainEvent } from '../deciders/decider';
import { RecordedEvent } from '../projections/projection-definition';

let lastPosition = 0n;

/**
 * Domain events as the store would record them in one stream: revisions from `fromRevision`,
 * `$all` positions growing across every call.
 */
export function recordedEvents<E extends DomainEvent>(
  streamId: string,
  events: E[],
  fromRevision = 0,
): RecordedEvent<E>[] {
  return events.map((event, index) => {
    lastPosition += 100n;
    const recorded = {
      eventId: `${streamId}/${fromRevision + index}`,
      streamId,
      type: event.type,
      data: event.data,
      revision: BigInt(fromRevision + index),
      position: lastPosition,
      recordedAt: new Date(),
      metadata: {
        correlationId: 'test',
        causationId: 'test',
        commandId: 'test',
        occurredAt: new Date().toISOString(),
        schemaVersion: 1,
      },
    };
    return recorded as RecordedEvent<E>;
  });
}
