import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BACKWARDS,
  EventStoreDBClient,
  END,
  jsonEvent,
  START,
  streamNameFilter,
  AllStreamSubscription,
  StreamSubscription,
} from '@eventstore/db-client';
import { startEventStoreServer } from '../../src/embedded/eventstore/eventstore-server';
import { EventStoreFixture, openEventStore, uniqueStream } from '../support/eventstore';
import { readAllOf, waitFor } from '../support/read';

type AnySubscription = StreamSubscription | AllStreamSubscription;

describe('EventStoreDB contract: stream metadata limits reads and subscriptions', () => {
  let es: EventStoreFixture;
  const open: AnySubscription[] = [];
  beforeAll(async () => (es = await openEventStore()));
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.unsubscribe()));
  });
  afterAll(() => es.close());

  const numbered = (count: number, from = 0, type = 'Numbered') =>
    Array.from({ length: count }, (_, i) => jsonEvent({ type, data: { n: from + i } }));
  const revisions = (events: { revision: bigint }[]) => events.map((e) => Number(e.revision));

  /** What a subscription delivers, as stream revisions (or event types). */
  function collect(subscription: AnySubscription) {
    open.push(subscription);
    const received: { revision: number; type: string; streamId: string }[] = [];
    subscription.on('data', (resolved) =>
      received.push({
        revision: Number(resolved.event!.revision),
        type: resolved.event!.type,
        streamId: resolved.event!.streamId,
      }),
    );
    return received;
  }

  /**
   * Subscribes from the start and, once `stored` events arrived (so that catching up is over and
   * appending cannot move the limits under it), appends one live event; returns all up to it.
   */
  async function subscribeUntilLive(stream: string, stored: number): Promise<number[]> {
    const received = collect(es.client.subscribeToStream(stream, { fromRevision: START }));
    await waitFor(() => received.length >= stored);
    await es.client.appendToStream(stream, numbered(1, 1000, 'Live'));
    await waitFor(() => received.some((e) => e.type === 'Live'));
    return received.map((e) => e.revision);
  }

  it('maxCount: a stream reads as its last maxCount events, forwards and backwards', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(20));
    await es.client.setStreamMetadata(stream, { maxCount: 2 });

    expect(revisions(await readAllOf(es.client, stream))).toEqual([18, 19]);
    expect(
      revisions(await readAllOf(es.client, stream, { direction: BACKWARDS, fromRevision: END })),
    ).toEqual([19, 18]);
    expect(revisions(await readAllOf(es.client, stream, { fromRevision: 3n, maxCount: 1 }))).toEqual([18]);
    expect(
      revisions(await readAllOf(es.client, stream, { direction: BACKWARDS, fromRevision: 10n })),
    ).toEqual([]);

    // The window slides with new events.
    await es.client.appendToStream(stream, numbered(1, 20));
    expect(revisions(await readAllOf(es.client, stream))).toEqual([19, 20]);
  });

  it('maxCount: a subscription from the start gets the last maxCount events, then live ones', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(20));
    await es.client.setStreamMetadata(stream, { maxCount: 2 });
    expect(await subscribeUntilLive(stream, 2)).toEqual([18, 19, 20]);
  });

  it('maxCount: live events are delivered as appended, a batch longer than maxCount whole', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(20));
    await es.client.setStreamMetadata(stream, { maxCount: 2 });
    const received = collect(es.client.subscribeToStream(stream, { fromRevision: START }));
    await waitFor(() => received.length === 2);
    await es.client.appendToStream(stream, numbered(5, 20));
    await waitFor(() => received.length === 7);
    expect(received.map((e) => e.revision)).toEqual([18, 19, 20, 21, 22, 23, 24]);
    // A read made now goes through the metadata.
    expect(revisions(await readAllOf(es.client, stream))).toEqual([23, 24]);
  });

  it('maxCount: a subscription from a revision before the window starts at the window', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(10));
    await es.client.setStreamMetadata(stream, { maxCount: 3 });
    const received = collect(es.client.subscribeToStream(stream, { fromRevision: 2n }));
    await waitFor(() => received.length >= 3);
    await es.client.appendToStream(stream, numbered(1, 1000, 'Live'));
    await waitFor(() => received.some((e) => e.type === 'Live'));
    // Revisions 3 to 9 follow revision 2; of those, the last three are readable.
    expect(received.map((e) => e.revision)).toEqual([7, 8, 9, 10]);
  });

  it('maxAge: events older than maxAge seconds are neither read nor delivered', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(3));
    await es.client.setStreamMetadata(stream, { maxAge: 1 });
    // The stream still exists: once its events are over a second old it reads as empty.
    await waitFor(async () => (await readAllOf(es.client, stream)).length === 0);
    await es.client.appendToStream(stream, numbered(1, 3, 'Fresh'));

    const events = await readAllOf(es.client, stream);
    expect(events.map((e) => [Number(e.revision), e.type])).toEqual([[3, 'Fresh']]);
    const backwards = await readAllOf(es.client, stream, { direction: BACKWARDS, fromRevision: END });
    expect(revisions(backwards)).toEqual([3]);
    expect(await subscribeUntilLive(stream, 1)).toEqual([3, 4]);
  });

  it('truncateBefore: reads and subscriptions start at the truncation point', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(5));
    await es.client.setStreamMetadata(stream, { truncateBefore: 3 });
    expect(revisions(await readAllOf(es.client, stream))).toEqual([3, 4]);
    expect(
      revisions(await readAllOf(es.client, stream, { direction: BACKWARDS, fromRevision: END })),
    ).toEqual([4, 3]);
    expect(await subscribeUntilLive(stream, 2)).toEqual([3, 4, 5]);
  });

  it('combines the limits: the strictest one wins', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(10));
    await es.client.setStreamMetadata(stream, { truncateBefore: 4, maxCount: 8 });
    expect(revisions(await readAllOf(es.client, stream))).toEqual([4, 5, 6, 7, 8, 9]);
    await es.client.setStreamMetadata(stream, { truncateBefore: 4, maxCount: 3 });
    expect(revisions(await readAllOf(es.client, stream))).toEqual([7, 8, 9]);
  });

  it('replacing the metadata lifts earlier limits: nothing was removed', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(5));
    await es.client.setStreamMetadata(stream, { maxCount: 1 });
    expect(revisions(await readAllOf(es.client, stream))).toEqual([4]);
    await es.client.setStreamMetadata(stream, { custom: 'no limits' });
    expect(revisions(await readAllOf(es.client, stream))).toEqual([0, 1, 2, 3, 4]);
    const { metadata } = await es.client.getStreamMetadata(stream);
    expect(metadata).toEqual({ custom: 'no limits' });
  });

  it('$all keeps every event whatever the stream metadata, for reads and subscriptions', async () => {
    // EventStoreDB: "$all bypasses the index ... events that have been deleted are still
    // readable until a scavenge has removed them".
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(6));
    await es.client.setStreamMetadata(stream, { maxCount: 2, truncateBefore: 1 });
    const inAll = [];
    for await (const resolved of es.client.readAll({ fromPosition: START })) {
      if (resolved.event?.streamId === stream) inAll.push(resolved.event);
    }
    expect(revisions(inAll)).toEqual([0, 1, 2, 3, 4, 5]);

    const received = collect(
      es.client.subscribeToAll({ fromPosition: START, filter: streamNameFilter({ prefixes: [stream] }) }),
    );
    await waitFor(() => received.length === 6);
    expect(received.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a metadata stream reads as its latest metadata only', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(1));
    await es.client.setStreamMetadata(stream, { maxCount: 5 });
    await es.client.setStreamMetadata(stream, { maxCount: 7 });
    const metadataEvents = await readAllOf(es.client, `$$${stream}`);
    expect(metadataEvents.map((e) => [Number(e.revision), e.type, e.data])).toEqual([
      [1, '$metadata', { $maxCount: 7 }],
    ]);
  });

  (process.env.EVENTSTORE_URL ? it.skip : it)('keeps the limits across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'eventstore-metadata-'));
    try {
      const stream = uniqueStream();
      const first = await startEventStoreServer({ port: 0, dataDir });
      const writer = EventStoreDBClient.connectionString(first.url);
      await writer.appendToStream(stream, numbered(10));
      await writer.setStreamMetadata(stream, { maxCount: 2, truncateBefore: 5, maxAge: 3600 });
      await writer.dispose();
      await first.close();

      const second = await startEventStoreServer({ port: 0, dataDir });
      const reader = EventStoreDBClient.connectionString(second.url);
      try {
        expect(revisions(await readAllOf(reader, stream))).toEqual([8, 9]);
      } finally {
        await reader.dispose();
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
