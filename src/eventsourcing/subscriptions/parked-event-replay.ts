import { EventStoreDBClient } from '@eventstore/db-client';
import { RecordedDomainEvent } from '../event-store/event-metadata';
import { EventSerializer } from '../event-store/event-serializer';
import { ParkedEventDocument, ParkedEvents } from './parked-events';

export interface ReplayContext {
  /** The commit position the consumer has reached: what it has applied is at or before it. */
  upTo: bigint;
  /** Events the consumer has parked or discarded and is not replaying now: still not applied. */
  skip: ReadonlySet<string>;
  stopping: AbortSignal;
}

/** Applies parked events again, in order; answers the errors of those that failed, by event id. */
export type Replay = (events: RecordedDomainEvent[], context: ReplayContext) => Promise<Map<string, Error>>;

export const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

export interface ReplayDependencies {
  client: EventStoreDBClient;
  serializer: EventSerializer;
  parked: ParkedEvents;
  replay: Replay;
  stopping: AbortSignal;
}

/**
 * Replays the events an admin asked to replay that the consumer has passed, and records each
 * outcome: `replayed`, or `parked` again with the new error. Interrupted (a stop, a lost store),
 * the requests stay as they were and are carried out at the next look: a replay must therefore
 * be harmless to repeat, as every handler already must.
 */
export async function replayRequested(
  consumer: string,
  upTo: bigint,
  deps: ReplayDependencies,
): Promise<void> {
  const requested = await deps.parked.replayRequested(consumer, upTo);
  if (requested.length === 0) return;
  const found: { record: ParkedEventDocument; event: RecordedDomainEvent }[] = [];
  for (const record of requested) {
    const event = await readParkedEvent(deps, record);
    if (event) found.push({ record, event });
    else await deps.parked.markReplayFailed(record._id, 'the event is no longer in the event store');
  }
  if (found.length === 0) return;
  const replaying = new Set(found.map(({ event }) => event.eventId));
  const skip = new Set([...(await deps.parked.unapplied(consumer))].filter((id) => !replaying.has(id)));
  const events = await deps.serializer.reveal(found.map(({ event }) => event));
  const failures = await deps.replay(events, { upTo, skip, stopping: deps.stopping });
  for (const { record, event } of found) {
    const failure = failures.get(event.eventId);
    if (failure) await deps.parked.markReplayFailed(record._id, failure.message);
    else await deps.parked.markReplayed(record._id);
  }
}

/** The parked event, read again from the store at its position. */
async function readParkedEvent(
  { client, serializer }: ReplayDependencies,
  record: ParkedEventDocument,
): Promise<RecordedDomainEvent | undefined> {
  let found: RecordedDomainEvent | undefined;
  const fromPosition = { commit: BigInt(record.position), prepare: BigInt(record.prepare) };
  for await (const resolved of client.readAll({ fromPosition, maxCount: 1 })) {
    const event = serializer.deserialize(resolved);
    if (event?.eventId === record.eventId) found = event;
  }
  return found;
}
