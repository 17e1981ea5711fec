import { randomUUID } from 'node:crypto';
import {
  END,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  Position,
  START,
  streamNameFilter,
  StreamSubscription,
  AllStreamSubscription,
} from '@eventstore/db-client';
import { EventStoreFixture, openEventStore, uniqueStream } from '../support/eventstore';
import { readAllOf, waitFor } from '../support/read';

type AnySubscription = StreamSubscription | AllStreamSubscription;

/** Collects what a subscription delivers, so tests can wait for counts instead of sleeping. */
function collect(subscription: AnySubscription) {
  const received: { streamId: string; type: string; n?: number; revision: bigint; position?: Position }[] =
    [];
  subscription.on('data', (resolved) => {
    const e = resolved.event!;
    received.push({
      streamId: e.streamId,
      type: e.type,
      n: (e.data as { n?: number }).n,
      revision: e.revision,
      position: e.position,
    });
  });
  return received;
}

describe('EventStoreDB contract: subscriptions', () => {
  let es: EventStoreFixture;
  const open: AnySubscription[] = [];
  beforeAll(async () => (es = await openEventStore()));
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.unsubscribe()));
  });
  afterAll(() => es.close());

  const track = <T extends AnySubscription>(s: T): T => {
    open.push(s);
    return s;
  };
  const numbered = (count: number, from = 0, type = 'Numbered') =>
    Array.from({ length: count }, (_, i) => jsonEvent({ type, data: { n: from + i } }));

  it('delivers a stream from the start, then live events in order with no gap or duplicate', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(50));
    const received = collect(track(es.client.subscribeToStream(stream, { fromRevision: START })));
    await waitFor(() => received.length >= 10);
    for (let i = 50; i < 100; i += 10) await es.client.appendToStream(stream, numbered(10, i));
    await waitFor(() => received.length === 100);
    expect(received.map((e) => e.n)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('keeps order and completeness while appends race the switch from catch-up to live', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(2000));
    const received = collect(track(es.client.subscribeToStream(stream, { fromRevision: START })));
    const writer = (async () => {
      for (let i = 2000; i < 2400; i += 4) await es.client.appendToStream(stream, numbered(4, i));
    })();
    await writer;
    await waitFor(() => received.length >= 2400);
    expect(received.map((e) => e.n)).toEqual(Array.from({ length: 2400 }, (_, i) => i));
  });

  it('subscribes to a stream from a revision (exclusive) and from the end', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(5));
    const fromRevision = collect(track(es.client.subscribeToStream(stream, { fromRevision: 2n })));
    const fromEnd = track(es.client.subscribeToStream(stream, { fromRevision: END }));
    const live = collect(fromEnd);
    await new Promise((resolve) => fromEnd.once('confirmation', resolve));
    await es.client.appendToStream(stream, numbered(1, 5));
    await waitFor(() => fromRevision.length === 3 && live.length === 1);
    expect(fromRevision.map((e) => e.n)).toEqual([3, 4, 5]);
    expect(live.map((e) => e.n)).toEqual([5]);
  });

  it('subscribes to $all from a position (exclusive) and from the end', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(3));
    const [, second] = await readAllOf(es.client, stream);
    const mine = streamNameFilter({ prefixes: [stream] });
    const fromPosition = collect(
      track(es.client.subscribeToAll({ fromPosition: second.position!, filter: mine })),
    );
    const endSubscription = track(es.client.subscribeToAll({ fromPosition: END, filter: mine }));
    const fromEnd = collect(endSubscription);
    await new Promise((resolve) => endSubscription.once('confirmation', resolve));
    await es.client.appendToStream(stream, numbered(1, 3));
    await waitFor(() => fromPosition.length === 2 && fromEnd.length === 1);
    expect(fromPosition.map((e) => e.n)).toEqual([2, 3]);
    expect(fromEnd.map((e) => e.n)).toEqual([3]);
  });

  it('filters $all on event type and stream name, by prefix and by regex', async () => {
    const tag = randomUUID().replace(/-/g, '');
    const orders = `order${tag}-1`;
    const users = `user${tag}-1`;
    const byTypePrefix = collect(
      track(es.client.subscribeToAll({ filter: eventTypeFilter({ prefixes: [`Shipped${tag}`] }) })),
    );
    const byTypeRegex = collect(
      track(es.client.subscribeToAll({ filter: eventTypeFilter({ regex: `^(Placed|Shipped)${tag}$` }) })),
    );
    const byStreamPrefix = collect(
      track(es.client.subscribeToAll({ filter: streamNameFilter({ prefixes: [users] }) })),
    );
    const byStreamRegex = collect(
      track(es.client.subscribeToAll({ filter: streamNameFilter({ regex: `^(order|user)${tag}-` }) })),
    );
    await es.client.appendToStream(orders, [
      ...numbered(1, 0, `Placed${tag}`),
      ...numbered(1, 1, `Shipped${tag}`),
      ...numbered(1, 2, `Other${tag}`),
    ]);
    await es.client.appendToStream(users, numbered(2, 3, `Registered${tag}`));
    await waitFor(
      () =>
        byTypePrefix.length === 1 &&
        byTypeRegex.length === 2 &&
        byStreamPrefix.length === 2 &&
        byStreamRegex.length === 5,
    );
    expect(byTypePrefix.map((e) => e.n)).toEqual([1]);
    expect(byTypeRegex.map((e) => e.n)).toEqual([0, 1]);
    expect(byStreamPrefix.map((e) => e.n)).toEqual([3, 4]);
    expect(byStreamRegex.map((e) => e.n)).toEqual([0, 1, 2, 3, 4]);
  });

  it('excludes system events and reports checkpoints at the filter interval', async () => {
    const stream = uniqueStream();
    const checkpoints: Position[] = [];
    const subscription = track(
      es.client.subscribeToAll({
        fromPosition: START,
        filter: excludeSystemEvents({
          maxSearchWindow: 4,
          checkpointInterval: 2,
          checkpointReached: (_s, position) => {
            checkpoints.push(position);
          },
        }),
      }),
    );
    const received = collect(subscription);
    await es.client.appendToStream(stream, numbered(40));
    await es.client.deleteStream(stream);
    await waitFor(
      () => received.filter((e) => e.streamId === stream).length === 40 && checkpoints.length > 0,
    );
    expect(received.some((e) => e.type.startsWith('$'))).toBe(false);
    // A checkpoint every maxSearchWindow × checkpointInterval = 8 events scanned: 40 events give 5.
    await waitFor(() => checkpoints.length >= 5);
    for (let i = 1; i < checkpoints.length; i++) {
      expect(checkpoints[i].commit).toBeGreaterThanOrEqual(checkpoints[i - 1].commit);
    }
  });

  it('serves many concurrent subscribers the same complete sequence', async () => {
    const stream = uniqueStream();
    const subscribers = Array.from({ length: 25 }, () =>
      collect(track(es.client.subscribeToStream(stream, { fromRevision: START }))),
    );
    for (let i = 0; i < 100; i += 20) await es.client.appendToStream(stream, numbered(20, i));
    await waitFor(() => subscribers.every((r) => r.length === 100));
    const expected = Array.from({ length: 100 }, (_, i) => i);
    for (const received of subscribers) expect(received.map((e) => e.n)).toEqual(expected);
  });

  it('keeps a subscription that reads slowly complete and in order', async () => {
    const stream = uniqueStream();
    const subscription = track(es.client.subscribeToStream(stream, { fromRevision: START }));
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const resolved of subscription) {
        seen.push((resolved.event!.data as { n: number }).n);
        if (seen.length % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        if (seen.length === 3000) return;
      }
    })();
    for (let i = 0; i < 3000; i += 100) await es.client.appendToStream(stream, numbered(100, i));
    await consumer;
    expect(seen).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});
