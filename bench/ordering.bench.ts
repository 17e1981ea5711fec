import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, NO_STREAM, StreamNotFoundError } from '@eventstore/db-client';
import { MongoClient } from 'mongodb';
import { ordersProjection } from '../projections/orders.projection';
import { startApp } from '../src/app';
import { EventSourcedRepository } from '../src/eventsourcing/deciders/event-sourced-repository';
import { snapshotStreamId } from '../src/eventsourcing/deciders/snapshots';
import { EventSchemaRegistry } from '../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../src/eventsourcing/event-store/event-serializer';
import { meetupDecider } from '../src/meetups/domain/meetup.decider';
import { MeetupEvent, meetupEventSchemas } from '../src/meetups/domain/meetup.events';
import { spawnStores } from './embedded-stores';
import { graphql } from './graphql-client';
import { benchConfig, signUpOrganiser } from './identity';
import { fmt, nowMs, report, runConcurrently, summarise } from './stats';

const SEAT_EVENTS = 100_000;
const RESTARTS = 100;

const context = () => {
  const commandId = randomUUID();
  return { commandId, correlationId: commandId, causationId: commandId };
};

/** Ordering: deciding on a long meetup stream after a restart, and orders from placing to confirmed. */
export async function benchOrdering(): Promise<void> {
  console.log('\nOrdering (embedded servers on disk)');
  await withStores((eventStoreUrl) => benchLongStream(eventStoreUrl));
  // Stores of their own: the app would otherwise first project the long stream above.
  await withStores((eventStoreUrl, mongoUrl) => benchOrders(eventStoreUrl, mongoUrl));
}

async function withStores(run: (eventStoreUrl: string, mongoUrl: string) => Promise<void>): Promise<void> {
  const stores = await spawnStores('ordering');
  try {
    await run(stores.eventStore.url, stores.mongo.url);
  } finally {
    await stores.stop();
  }
}

/** A meetup with 100,000 seat events; each measured command is decided by a repository that starts afresh. */
async function benchLongStream(eventStoreUrl: string): Promise<void> {
  const client = EventStoreDBClient.connectionString(eventStoreUrl);
  try {
    await measureLongStream(client);
  } finally {
    await client.dispose();
  }
}

async function measureLongStream(client: EventStoreDBClient): Promise<void> {
  const serializer = new EventSerializer(new EventSchemaRegistry().register(...meetupEventSchemas));
  const meetupId = randomUUID();
  const streamId = `meetup-${meetupId}`;
  const history: MeetupEvent[] = [
    {
      type: 'MeetupScheduled',
      data: {
        meetupId,
        title: 'Popular',
        description: '',
        city: 'Lisbon',
        startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        capacity: 1_000_000,
        organizerId: randomUUID(),
        ticketPriceCents: 0,
      },
    },
    { type: 'MeetupPublished', data: { meetupId } },
  ];
  for (let i = 0; i < SEAT_EVENTS / 2; i++) {
    const orderId = randomUUID();
    history.push({ type: 'SeatsReserved', data: { meetupId, orderId, quantity: 1 } });
    // Most orders are confirmed and their seat sold; one in ten is released.
    history.push(
      i % 10 === 0
        ? { type: 'SeatsReleased', data: { meetupId, orderId, quantity: 1, sold: false } }
        : { type: 'SeatsSold', data: { meetupId, orderId, quantity: 1 } },
    );
  }
  for (let at = 0; at < history.length; at += 1000) {
    const events = serializer.serialize(streamId, history.slice(at, at + 1000), context());
    await client.appendToStream(streamId, events, {
      expectedRevision: at === 0 ? NO_STREAM : BigInt(at - 1),
    });
  }
  const fresh = () => new EventSourcedRepository(client, serializer, { fingerprintKey: 'bench' });
  const reserve = () => ({
    type: 'ReserveSeats' as const,
    meetupId,
    orderId: randomUUID(),
    quantity: 1,
    now: new Date(),
  });

  const withoutSnapshot = { ...meetupDecider, snapshot: undefined };
  const started = nowMs();
  await fresh().handle(streamId, withoutSnapshot, reserve(), context());
  const fullRead = nowMs() - started;
  // The first command with snapshots enabled folds the whole stream once and writes one, after it answers.
  await fresh().handle(streamId, meetupDecider, reserve(), context());
  const written = nowMs() + 10_000;
  while (!(await snapshotExists(client, streamId))) {
    if (nowMs() > written) throw new Error('no snapshot was written');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  // After each restart: rehydrating from the snapshot and deciding; then a whole command, which
  // also records its id and appends (two writes the store makes durable before it answers).
  const decisions: number[] = [];
  const commands: number[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    const deciding = nowMs();
    const { state } = await fresh().read(streamId, meetupDecider);
    meetupDecider.decide(reserve(), state);
    decisions.push(nowMs() - deciding);
    const commanding = nowMs();
    await fresh().handle(streamId, meetupDecider, reserve(), context());
    commands.push(nowMs() - commanding);
  }
  const decided = summarise(decisions);
  const handled = summarise(commands);
  report(
    `a command on ${fmt(history.length)} events after a restart, from every event (ms)`,
    fmt(fullRead, 1),
  );
  report(
    `  from the snapshot: rehydrate and decide, p50 / p99 over ${RESTARTS} restarts (ms)`,
    `${fmt(decided.p50, 1)} / ${fmt(decided.p99, 1)}`,
    'p99 <= 10',
  );
  report(
    `  from the snapshot: the whole command, appends included, p50 / p99 (ms)`,
    `${fmt(handled.p50, 1)} / ${fmt(handled.p99, 1)}`,
  );
}

async function snapshotExists(client: EventStoreDBClient, streamId: string): Promise<boolean> {
  let found = false;
  try {
    for await (const resolved of client.readStream(snapshotStreamId(streamId), { maxCount: 1 })) {
      found ||= resolved.event !== undefined;
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return found;
}

/** Orders placed over HTTP and followed to CONFIRMED through the orders read model. */
async function benchOrders(eventStoreUrl: string, mongoUrl: string): Promise<void> {
  const config = benchConfig({ ORDER_PAYMENT_TIMEOUT_SECONDS: '3600' });
  const app = await startApp({ ...config, eventStoreUrl, mongoUrl }, { logger: false });
  const mongo = await MongoClient.connect(mongoUrl);
  const orders = mongo.db(config.mongoDatabase).collection(ordersProjection.collection);
  try {
    const url = app.url!;
    const organiser = await signUpOrganiser(url);
    for (const concurrency of [10, 50]) {
      const input = {
        title: 'Bench',
        city: 'Lisbon',
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        capacity: 100_000,
        ticketPriceCents: 1000,
      };
      const { scheduleMeetup } = await graphql(
        url,
        `
          mutation ($input: ScheduleMeetupInput!) {
            scheduleMeetup(input: $input) {
              id
            }
          }
        `,
        { input },
        organiser.headers,
      );
      const meetupId = scheduleMeetup.id;
      await graphql(
        url,
        `
          mutation ($input: PublishMeetupInput!) {
            publishMeetup(input: $input) {
              id
            }
          }
        `,
        { input: { meetupId } },
        organiser.headers,
      );
      const total = concurrency * 10;
      const placedAt = new Map<string, number>();
      const confirmedIn: number[] = [];
      const started = nowMs();
      const placing = runConcurrently(total, concurrency, async () => {
        const at = nowMs();
        const { placeOrder } = await graphql(
          url,
          `
            mutation ($input: PlaceOrderInput!) {
              placeOrder(input: $input) {
                id
              }
            }
          `,
          { input: { meetupId, quantity: 1, paymentToken: 'tok_ok' } },
          organiser.headers,
        );
        placedAt.set(placeOrder.id, at);
      });
      let failed: unknown;
      placing.catch((error: unknown) => (failed = error));
      const deadline = nowMs() + 300_000;
      const seen = new Set<string>();
      while (seen.size < total) {
        if (failed) throw failed;
        if (nowMs() > deadline)
          throw new Error(`only ${seen.size} of ${total} orders confirmed in 5 minutes`);
        const confirmed = await orders
          .find({ meetupId, status: 'CONFIRMED' }, { projection: { _id: 1 } })
          .toArray();
        const now = nowMs();
        for (const { _id } of confirmed) {
          const id = String(_id);
          if (seen.has(id) || !placedAt.has(id)) continue;
          seen.add(id);
          confirmedIn.push(now - placedAt.get(id)!);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await placing;
      const elapsed = nowMs() - started;
      const { p50, p99 } = summarise(confirmedIn);
      report(`placeOrder to CONFIRMED, concurrency ${concurrency} (orders/s)`, fmt((total / elapsed) * 1000));
      report(`  placed to confirmed, p50 / p99 (ms)`, `${fmt(p50, 0)} / ${fmt(p99, 0)}`);
    }
  } finally {
    await mongo.close();
    await app.close();
  }
}

if (require.main === module) {
  benchOrdering().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
