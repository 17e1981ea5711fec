import { subscribedEvents } from '../../src/eventsourcing/projections/projection-definition';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { Db, MongoClient } from 'mongodb';
import { projections } from '../../projections';
import { EventSchemaRegistry } from '../../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../../src/eventsourcing/event-store/event-serializer';
import { storedPosition } from '../../src/eventsourcing/event-store/stored-position';
import { PersonalDataKeys } from '../../src/eventsourcing/personal-data/personal-data-keys';
import { PersonalDataVault } from '../../src/eventsourcing/personal-data/personal-data-vault';
import { ProjectionEngine } from '../../src/eventsourcing/projections/projection-engine';
import { CheckpointStore } from '../../src/eventsourcing/subscriptions/checkpoint-store';
import {
  CONSUMER_LEASES,
  ConsumerLeaseDocument,
  LeaseLostError,
} from '../../src/eventsourcing/subscriptions/consumer-leases';
import { SubscriptionRunner } from '../../src/eventsourcing/subscriptions/subscription-runner';
import { FORGETTING_SUBSCRIPTION } from '../../src/identity/forgetting/forgetting.reactor';
import { userEventSchemas } from '../../src/identity/domain/user.events';
import { meetupEventSchemas } from '../../src/meetups/domain/meetup.events';
import { notificationEventSchemas } from '../../src/notifications/email-journal';
import { NOTIFICATIONS_SUBSCRIPTION } from '../../src/notifications/notifications.reactor';
import { SENT_EMAILS } from '../../src/notifications/sent-emails';
import { orderEventSchemas } from '../../src/ordering/domain/order.events';
import { fulfilmentEventSchemas } from '../../src/ordering/fulfilment/fulfilment.events';
import { FULFILMENT_SUBSCRIPTION } from '../../src/ordering/fulfilment/fulfilment.reactor';
import { eventStoreClient, openStores, startTestApp, TestApp, TestStores } from '../support/app';
import { signUp, TestUser } from '../support/identity';
import { inDays, PUBLISH, SCHEDULE } from '../support/meetup-operations';
import { lastDomainPosition, readAllOf, waitFor } from '../support/read';
import { startWorkerProcess, WorkerProcess } from '../support/worker-process';

const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`;

/** Every consumer a worker runs: each projection, each reactor, the fulfilment process. */
const CONSUMERS = [
  ...projections.map((p) => `projection:${p.name}`),
  NOTIFICATIONS_SUBSCRIPTION,
  FORGETTING_SUBSCRIPTION,
  FULFILMENT_SUBSCRIPTION,
].sort();

const TTL_SECONDS = 2;
/** A killed holder's consumers are taken within the lease and a heartbeat; some leeway for a busy machine. */
const TAKEOVER_BOUND_MS = (TTL_SECONDS * 1000 * 4) / 3 + 1500;

const serializerOn = (db: Db) => {
  const registry = new EventSchemaRegistry().register(
    ...userEventSchemas,
    ...meetupEventSchemas,
    ...orderEventSchemas,
    ...fulfilmentEventSchemas,
    ...notificationEventSchemas,
  );
  return new EventSerializer(registry, new PersonalDataVault(registry, new PersonalDataKeys(db)));
};

describe('a runner under a lease', () => {
  let stores: TestStores;
  let client: EventStoreDBClient;
  let mongo: MongoClient;
  let checkpoints: CheckpointStore;
  const serializer = new EventSerializer(new EventSchemaRegistry());

  beforeAll(async () => {
    stores = await openStores();
    client = eventStoreClient(stores);
    mongo = await MongoClient.connect(stores.mongoUrl);
    checkpoints = new CheckpointStore(mongo.db(stores.mongoDatabase));
  });
  afterAll(async () => {
    await client.dispose();
    await mongo.close();
    await stores.close();
  });

  const append = async () =>
    (await client.appendToStream(`test-${randomUUID()}`, jsonEvent({ type: 'Happened', data: {} }))).position!
      .commit;

  it('handles no further batch once its lease is lost, and stores no checkpoint after', async () => {
    const name = `leased-${randomUUID()}`;
    const handled: bigint[] = [];
    let held = true;
    const runner = new SubscriptionRunner(client, serializer, checkpoints, {
      name,
      handle: async (events) => void handled.push(...events.map((e) => e.position)),
      minBackoffMs: 5,
    });
    const lost = new Promise((resolve) => runner.on('lease-lost', resolve));
    await checkpoints.fence(name, 1);
    await runner.start({
      token: 1,
      check: async () => {
        if (!held) throw new LeaseLostError(name);
      },
    });
    try {
      const first = await append();
      await expect(runner.waitFor(first, 5000)).resolves.toBe(true);
      expect((await checkpoints.load(name))?.commit).toBe(first);

      // Another process takes the consumer over: this one is paused, then wakes up with events to handle.
      held = false;
      await checkpoints.fence(name, 2);
      await append();
      await lost;
      expect(handled).toEqual([first]);
      expect((await checkpoints.load(name))?.commit).toBe(first);
    } finally {
      await runner.stop();
    }
  });

  it('stops when its checkpoint has been fenced by a later lease, storing nothing', async () => {
    const name = `leased-${randomUUID()}`;
    let handled = 0;
    const runner = new SubscriptionRunner(client, serializer, checkpoints, {
      name,
      handle: async (events) => void (handled += events.length),
      minBackoffMs: 5,
    });
    const lost = new Promise((resolve) => runner.on('lease-lost', resolve));
    await checkpoints.fence(name, 1);
    const before = await append();
    await runner.start({ token: 1, check: async () => undefined });
    try {
      await expect(runner.waitFor(before, 5000)).resolves.toBe(true);
      const stored = (await checkpoints.load(name))!.commit;
      // The check passed (the pause came after it), but the save is refused: it stops there.
      await checkpoints.fence(name, 2);
      await append();
      await lost;
      const count = handled;
      await append();
      await sleep(200);
      expect(handled).toBe(count);
      expect((await checkpoints.load(name))?.commit).toBe(stored);
      expect(runner.status().lastError).toMatch(/lease lost/);
    } finally {
      await runner.stop();
    }
  });
});

describe('consumers shared by three worker processes', () => {
  let stores: TestStores;
  let api: TestApp;
  let workers: WorkerProcess[] = [];
  let client: EventStoreDBClient;
  let mongo: MongoClient;
  let db: Db;

  beforeAll(async () => {
    stores = await openStores();
    const env = { LEASE_TTL_SECONDS: String(TTL_SECONDS) };
    workers = await Promise.all([0, 1, 2].map(() => startWorkerProcess(stores, env)));
    api = await startTestApp(stores, { ...env, ROLE: 'api', CONSISTENCY_TIMEOUT_MS: '15000' });
    client = eventStoreClient(stores);
    mongo = await MongoClient.connect(stores.mongoUrl);
    db = mongo.db(stores.mongoDatabase);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => (w.alive() ? w.stop() : undefined)));
    await mongo?.close();
    await client?.dispose();
    await api?.close();
    await stores?.close();
  });

  const leases = () =>
    db.collection<ConsumerLeaseDocument>(CONSUMER_LEASES).find().sort({ _id: 1 }).toArray();
  /** Holder ids of killed processes (a worker started again holds under a new one). */
  const dead = new Set<string>();
  const liveHolders = () =>
    new Set(workers.filter((w) => w.alive() && !dead.has(w.holder())).map((w) => w.holder()));
  /** Every consumer held, each by one worker that is alive. */
  const allHeldByLiveWorkers = async () => {
    const live = liveHolders();
    const current = await leases();
    return (
      current.map((l) => l._id).join() === CONSUMERS.join() &&
      current.every((lease) => lease.holder !== null && live.has(lease.holder))
    );
  };

  it('runs each consumer in exactly one live worker, and keeps it there while it lives', async () => {
    await waitFor(allHeldByLiveWorkers, 10_000);
    const before = await leases();
    // Several heartbeats later: the same holder under the same token (renewed, never taken back and forth).
    await sleep(TTL_SECONDS * 1000);
    const after = await leases();
    expect(after.map(({ _id, holder, token }) => ({ _id, holder, token }))).toEqual(
      before.map(({ _id, holder, token }) => ({ _id, holder, token })),
    );
    expect(after.every((lease) => lease.heartbeatAt! > before[0].heartbeatAt!)).toBe(true);
  });

  it('moves consumers off killed workers within the bound, and ends with every read model as a clean build', async () => {
    const organiser = await signUp(api, 'ORGANIZER');
    const buyers: TestUser[] = [await signUp(api, 'ATTENDEE'), await signUp(api, 'ATTENDEE')];

    // Checkpoints are sampled throughout: none may ever move back.
    const backwards: string[] = [];
    const seen = new Map<string, string>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const c of await db
          .collection<{ _id: string; commit?: string }>('checkpoints')
          .find()
          .toArray()) {
          if (c.commit === undefined) continue;
          if (c.commit < (seen.get(c._id) ?? ''))
            backwards.push(`${c._id}: ${seen.get(c._id)} -> ${c.commit}`);
          seen.set(c._id, c.commit);
        }
        await sleep(50);
      }
    })();

    // Events flow all along: meetups scheduled and published, sign-ups, orders paid or declined.
    const orders: string[] = [];
    let flowing = true;
    const traffic = (async () => {
      for (let i = 0; flowing; i++) {
        const input = {
          title: `Lease night ${i}`,
          city: 'Turku',
          startsAt: inDays(3),
          capacity: 20,
          ticketPriceCents: 500,
        };
        const scheduled = await api.gql(SCHEDULE, { input }, organiser.headers);
        const meetupId = scheduled.data!.scheduleMeetup.id as string;
        await api.gql(PUBLISH, { input: { meetupId } }, organiser.headers);
        if (i % 3 === 0) buyers.push(await signUp(api, 'ATTENDEE'));
        for (const [n, paymentToken] of ['tok_ok', 'tok_declined'].entries()) {
          const buyer = buyers[(i + n) % buyers.length];
          const placed = await api.gql(
            PLACE,
            { input: { meetupId, quantity: 1, paymentToken } },
            buyer.headers,
          );
          expect(placed.errors).toBeUndefined();
          orders.push(placed.data!.placeOrder.id as string);
        }
      }
    })();

    // Kill the busiest holder (twice, the two busiest at once), see its consumers taken over
    // within the bound, and start it again, so that three workers run.
    const takeovers: number[] = [];
    for (const victims of [1, 1, 2, 1]) {
      await waitFor(allHeldByLiveWorkers, 10_000);
      await sleep(300);
      const held = new Map<string, number>();
      for (const lease of await leases()) held.set(lease.holder!, (held.get(lease.holder!) ?? 0) + 1);
      const busiest = workers
        .filter((w) => held.has(w.holder()))
        .sort((a, b) => held.get(b.holder())! - held.get(a.holder())!)
        .slice(0, victims);
      for (const worker of busiest) dead.add(worker.holder());
      const killedAt = performance.now();
      await Promise.all(busiest.map((w) => w.kill()));
      const restarting = Promise.all(busiest.map((w) => w.restart()));
      await waitFor(allHeldByLiveWorkers, 10_000);
      takeovers.push(performance.now() - killedAt);
      await restarting;
    }
    flowing = false;
    await traffic;

    // Every order ends (the fulfilment process moved with its lease and finished what it began).
    await waitFor(async () => {
      for (const id of orders) {
        const events = await readAllOf(client, `order-${id}`);
        if (!events.some((e) => e.type === 'OrderConfirmed' || e.type === 'OrderCancelled')) return false;
      }
      return true;
    }, 20_000);
    // And every consumer has settled at the last event.
    let head = -1n;
    await waitFor(async () => {
      const last = await lastDomainPosition(client);
      const stored = await db.collection<{ _id: string; commit?: string }>('checkpoints').find().toArray();
      const settled =
        last === head &&
        CONSUMERS.every((name) => (stored.find((c) => c._id === name)?.commit ?? '') >= storedPosition(last));
      head = last;
      return settled;
    }, 20_000);
    sampling = false;
    await sampler;

    expect(takeovers.length).toBe(4);
    for (const ms of takeovers) expect(ms).toBeLessThan(TAKEOVER_BOUND_MS);
    expect(backwards).toEqual([]);
    expect(await allHeldByLiveWorkers()).toBe(true);
    // Each checkpoint was last stored under the lease its consumer runs under now.
    const fences = await db.collection<{ _id: string; epoch?: number }>('checkpoints').find().toArray();
    for (const lease of await leases()) {
      expect({ consumer: lease._id, epoch: fences.find((c) => c._id === lease._id)?.epoch }).toEqual({
        consumer: lease._id,
        epoch: lease.token,
      });
    }

    // Every read model equals one built from the first event by a single runner.
    const serializer = serializerOn(db);
    for (const definition of projections) {
      const clean = `clean_${definition.collection}`;
      const engine = new ProjectionEngine(db, definition, clean);
      const runner = new SubscriptionRunner(client, serializer, new CheckpointStore(db), {
        name: `clean:${definition.name}`,
        ...subscribedEvents(definition),
        handle: (events) => engine.applyBatch(events),
      });
      await runner.start();
      const reached = await runner.waitFor(head, 15_000);
      await runner.stop();
      expect(reached).toBe(true);
      const documents = (collection: string) => db.collection(collection).find().sort({ _id: 1 }).toArray();
      const built = await documents(definition.collection);
      expect(built.length).toBeGreaterThan(0);
      expect({ readModel: definition.collection, documents: built }).toEqual({
        readModel: definition.collection,
        documents: await documents(clean),
      });
    }

    // No e-mail twice: one per sign-up and per order's end, each journalled once.
    const emails = await db.collection<{ eventId: string; _id: string }>(SENT_EMAILS).find().toArray();
    const triggers: string[] = [];
    for await (const resolved of client.readAll()) {
      const type = resolved.event?.type;
      if (type === 'UserRegistered' || type === 'OrderConfirmed' || type === 'OrderCancelled')
        triggers.push(resolved.event!.id);
    }
    expect(emails.map((e) => e.eventId).sort()).toEqual(triggers.sort());
    const journal = new Map<string, number>();
    for await (const resolved of client.readAll()) {
      if (resolved.event?.type !== 'EmailSent') continue;
      const { messageId } = resolved.event.data as { messageId: string };
      journal.set(messageId, (journal.get(messageId) ?? 0) + 1);
    }
    for (const email of emails)
      expect({ email: email._id, journalled: journal.get(email._id) }).toEqual({
        email: email._id,
        journalled: 1,
      });
  }, 120_000);
});
