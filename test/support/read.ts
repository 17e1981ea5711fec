import {
  EventStoreDBClient,
  JSONRecordedEvent,
  ReadStreamOptions,
  RecordedEvent,
} from '@eventstore/db-client';

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
