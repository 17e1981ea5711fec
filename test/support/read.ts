import {
  EventStoreDBClient,
  JSONRecordedEvent,
  ReadStreamOptions,
  RecordedEvent,
} from '@eventstore/db-client';
import { isDomainEventType } from '../../src/eventsourcing/subscriptions/domain-events';

export type AnyRecordedEvent = RecordedEvent | JSONRecordedEvent;

/** Every event of a stream, forwards unless told otherwise. */
export async function readAllOf(
  client: EventStoreDBClient,
  stream: string,
  options: ReadStreamOptions = {},
): Promise<AnyRecordedEvent[]> {
  const events: AnyRecordedEvent[] = [];
  for await (const resolved of client.readStream(stream, options)) events.push(resolved.event!);
  return events;
}

/** Polls until `check` returns true or the deadline passes; no fixed sleeps in tests. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The position of the last event any consumer is given (within the last 500 events), or -1. */
export async function lastDomainPosition(client: EventStoreDBClient): Promise<bigint> {
  let last = -1n;
  // Read to the end: a read given up half-way can hold the client's disposal up.
  for await (const resolved of client.readAll({
    direction: 'backwards',
    fromPosition: 'end',
    maxCount: 500,
  })) {
    if (last < 0n && isDomainEventType(resolved.event!.type)) last = resolved.event!.position.commit;
  }
  return last;
}
