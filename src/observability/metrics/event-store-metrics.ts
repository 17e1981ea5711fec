import { EventStoreDBClient, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import { Readable } from 'node:stream';
import { AppMetrics, secondsSince } from './app-metrics';

/**
 * Times every append, read, delete and tombstone this client makes, whoever calls it, by wrapping
 * the methods on this one instance; appended events are counted by type. A read lasts until its
 * stream closes (read to its end or given up). Subscriptions are long-lived and not timed.
 */
export function instrumentEventStore(client: EventStoreDBClient, metrics: AppMetrics): void {
  const observe = (operation: string, start: number, error?: unknown) =>
    metrics.storeRequest('eventstore', operation, outcomeOf(error), secondsSince(start));

  const appendToStream = client.appendToStream.bind(client);
  client.appendToStream = (async (...args: Parameters<typeof appendToStream>) => {
    const result = await timedCall(
      () => appendToStream(...args),
      (start, error) => observe('append', start, error),
    );
    const events = args[1];
    metrics.eventsAppended((Array.isArray(events) ? events : [events]).map((event) => event.type));
    return result;
  }) as typeof client.appendToStream;

  const readStream = client.readStream.bind(client);
  client.readStream = ((...args: Parameters<typeof readStream>) =>
    timedRead(readStream(...args), (start, error) =>
      observe('read_stream', start, error),
    )) as typeof client.readStream;

  const readAll = client.readAll.bind(client);
  client.readAll = ((...args: Parameters<typeof readAll>) =>
    timedRead(readAll(...args), (start, error) =>
      observe('read_all', start, error),
    )) as typeof client.readAll;

  const deleteStream = client.deleteStream.bind(client);
  client.deleteStream = (...args) =>
    timedCall(
      () => deleteStream(...args),
      (start, error) => observe('delete', start, error),
    );

  const tombstoneStream = client.tombstoneStream.bind(client);
  client.tombstoneStream = (...args) =>
    timedCall(
      () => tombstoneStream(...args),
      (start, error) => observe('tombstone', start, error),
    );
}

async function timedCall<T>(
  call: () => Promise<T>,
  observe: (start: number, error?: unknown) => void,
): Promise<T> {
  const start = performance.now();
  try {
    const result = await call();
    observe(start);
    return result;
  } catch (error) {
    observe(start, error);
    throw error;
  }
}

/**
 * Observes the read once its stream closes. The client reports a failure (a missing stream) by
 * emitting 'error', which leaves no trace on the stream: it is caught on the way. Neither listener
 * changes how the stream flows.
 */
function timedRead<T extends object>(read: T, observe: (start: number, error?: unknown) => void): T {
  const start = performance.now();
  const stream = read as unknown as Readable;
  let failure: unknown;
  stream.on('error', (error) => (failure ??= error));
  stream.once('close', () => observe(start, failure ?? stream.errored ?? undefined));
  return read;
}

const outcomeOf = (error: unknown): string => {
  if (error === undefined) return 'ok';
  if (error instanceof StreamNotFoundError) return 'not_found';
  if (error instanceof WrongExpectedVersionError) return 'wrong_expected_version';
  return 'error';
};
