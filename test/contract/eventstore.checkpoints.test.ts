import { randomUUID } from 'node:crypto';
import {
  AllStreamSubscription,
  END,
  EventStoreDBClient,
  eventTypeFilter,
  jsonEvent,
  Position,
  ReadPosition,
  START,
} from '@eventstore/db-client';
import { EventStoreFixture, openEventStore, uniqueStream } from '../support/eventstore';
import { waitFor } from '../support/read';

/**
 * Checkpoints of filtered `$all` subscriptions, at KurrentDB's cadence. KurrentDB counts the
 * events it scans, matching the filter or not (`ConsideredEventsCount` while catching up, every
 * committed event live), and sends a checkpoint once `checkpointInterval × maxSearchWindow`
 * (window 32 when unset) are reached: while catching up at most once per page read (a page ends
 * after 32 matching events or a window of scanned ones), plus one on catching up.
 */
interface Watched {
  subscription: AllStreamSubscription;
  events: Position[];
  checkpoints: Position[];
  caughtUp: Promise<void>;
}

function watch(
  client: EventStoreDBClient,
  prefix: string,
  fromPosition: ReadPosition,
  window: { checkpointInterval: number; maxSearchWindow?: number },
): Watched {
  const checkpoints: Position[] = [];
  const subscription = client.subscribeToAll({
    fromPosition,
    filter: eventTypeFilter({
      prefixes: [prefix],
      ...window,
      checkpointReached: (_s, position) => {
        checkpoints.push(position);
      },
    }),
  });
  const events: Position[] = [];
  subscription.on('data', (resolved) => events.push(resolved.event!.position));
  const caughtUp = new Promise<void>((resolve) => subscription.once('caughtUp', () => resolve()));
  return { subscription, events, checkpoints, caughtUp };
}

const typed = (type: string, count: number) =>
  Array.from({ length: count }, (_, n) => jsonEvent({ type, data: { n } }));

/** Appends `count` matching events in batches of 32, each followed by `others` non-matching ones. */
async function appendMatching(client: EventStoreDBClient, type: string, count: number, others = 0) {
  for (let i = 0; i < count; i += 32) {
    const batch = typed(type, Math.min(32, count - i)).flatMap((event) => [
      event,
      ...typed('Unrelated', others),
    ]);
    await client.appendToStream(uniqueStream('checkpoints'), batch);
  }
}

function expectIncreasing(positions: Position[]): void {
  for (let i = 1; i < positions.length; i++)
    expect(positions[i].commit).toBeGreaterThan(positions[i - 1].commit);
}

describe('EventStoreDB contract: checkpoints of filtered $all subscriptions', () => {
  let es: EventStoreFixture;
  const open: AllStreamSubscription[] = [];
  beforeAll(async () => (es = await openEventStore()));
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.unsubscribe()));
  });
  afterAll(() => es.close());

  it('counts every event scanned, matching or not: 384 matching among 768 others give at least 17', async () => {
    const type = `Checkpointed${randomUUID().replace(/-/g, '')}`;
    const marker = await es.client.appendToStream(
      uniqueStream('marker'),
      jsonEvent({ type: 'Marker', data: {} }),
    );
    await appendMatching(es.client, type, 384, 2);
    const watched = watch(es.client, type, marker.position!, { checkpointInterval: 2 });
    open.push(watched.subscription);
    await watched.caughtUp;
    expect(watched.events).toHaveLength(384);
    // 1,153 events scanned from the marker on, a checkpoint per 64: 18, and one on catching up.
    expect(watched.checkpoints.length).toBeGreaterThanOrEqual(17);
    expectIncreasing(watched.checkpoints);
    expect(watched.checkpoints[0].commit).toBeGreaterThanOrEqual(marker.position!.commit);
  });
});

// The exact cadence needs a log nobody else writes to: a new embedded store per test.
const describeEmbedded = process.env.EVENTSTORE_URL ? describe.skip : describe;

describeEmbedded('embedded event store: checkpoint cadence of filtered $all subscriptions', () => {
  let es: EventStoreFixture;
  let watched: Watched | undefined;
  beforeEach(async () => (es = await openEventStore()));
  afterEach(async () => {
    await watched?.subscription.unsubscribe();
    watched = undefined;
    await es.close();
  });

  it('384 matching events with checkpointInterval 2 give 7 checkpoints: per 64 scanned, and on catching up', async () => {
    await appendMatching(es.client, 'Matching', 384);
    watched = watch(es.client, 'Matching', START, { checkpointInterval: 2 });
    await watched.caughtUp;
    expect(watched.events).toHaveLength(384);
    // Pages of a 32-event window: the system event and 31 matching events, then 32 matching
    // events each. Every other page ends at a multiple of 64 scanned (the 63rd, 127th… matching
    // event); catching up ends on the 384th.
    const expected = [63, 127, 191, 255, 319, 383, 384];
    expect(watched.checkpoints).toEqual(expected.map((n) => watched!.events[n - 1]));
  });

  it('the same 384 among 768 others give 19: a window of 32 scanned ends every page', async () => {
    await appendMatching(es.client, 'Matching', 384, 2);
    watched = watch(es.client, 'Matching', START, { checkpointInterval: 2 });
    await watched.caughtUp;
    expect(watched.events).toHaveLength(384);
    // 1,153 events scanned with the system event: 18 checkpoints at every 64th, one on catching up.
    expect(watched.checkpoints).toHaveLength(19);
    // The last is at the last event scanned: one of the two after the last matching event.
    expect(watched.checkpoints[18].commit).toBeGreaterThan(watched.events[383].commit);
  });

  it('checkpoints only at the end of a page: window 48 pages by 32 matching events', async () => {
    await appendMatching(es.client, 'Matching', 200);
    watched = watch(es.client, 'Matching', START, { checkpointInterval: 1, maxSearchWindow: 48 });
    await watched.caughtUp;
    // Scanned at the end of each page: 33, 65 (one, 17 left), 49 (one, 1 left), 33, 65, 49;
    // then the last 8 events and the checkpoint on catching up.
    expect(watched.checkpoints).toEqual([64, 96, 160, 192, 200].map((n) => watched!.events[n - 1]));
  });

  it('counts the event at the start position, which a forward read from it includes', async () => {
    const marker = await es.client.appendToStream('marker-1', jsonEvent({ type: 'Marker', data: {} }));
    await appendMatching(es.client, 'Matching', 96);
    watched = watch(es.client, 'Matching', marker.position!, { checkpointInterval: 2 });
    await watched.caughtUp;
    // The marker and 31 matching events make the first page: 64 scanned at the end of the second,
    // on the 63rd matching event; catching up ends on the 96th.
    expect(watched.checkpoints).toEqual([63, 96].map((n) => watched!.events[n - 1]));
  });

  it('sends none on catching up when it starts at the end, then one per 64 events appended live', async () => {
    watched = watch(es.client, 'Matching', END, { checkpointInterval: 2 });
    await new Promise((resolve) => watched!.subscription.once('confirmation', resolve));
    await es.client.appendToStream('unrelated-1', typed('Unrelated', 40));
    // In small appends, each received before the next, so that the subscriber keeps up: one
    // that falls behind also gets a checkpoint then, and another on catching up again.
    for (let i = 0; i < 40; i += 4) {
      await es.client.appendToStream('matching-1', typed('Matching', 4));
      await waitFor(() => watched!.events.length === i + 4);
    }
    await waitFor(() => watched!.events.length === 40);
    // The 64th event appended is the 24th matching one.
    expect(watched.checkpoints).toEqual([watched.events[23]]);
  });
});
