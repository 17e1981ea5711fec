import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Document } from 'bson';
import { Db, MongoClient } from 'mongodb';
import { projections } from '../../projections';
import { meetupCatalogProjection } from '../../projections/meetup-catalog.projection';
import { EventSchemaRegistry } from '../../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../../src/eventsourcing/event-store/event-serializer';
import { storedPosition } from '../../src/eventsourcing/event-store/stored-position';
import { PersonalDataKeys } from '../../src/eventsourcing/personal-data/personal-data-keys';
import { PersonalDataVault } from '../../src/eventsourcing/personal-data/personal-data-vault';
import { AnyProjection, subscribedEvents } from '../../src/eventsourcing/projections/projection-definition';
import { ProjectionEngine } from '../../src/eventsourcing/projections/projection-engine';
import {
  ProjectionRecord,
  ProjectionRegistry,
} from '../../src/eventsourcing/projections/projection-registry';
import { CheckpointStore } from '../../src/eventsourcing/subscriptions/checkpoint-store';
import {
  CONSUMER_LEASES,
  ConsumerLeaseDocument,
} from '../../src/eventsourcing/subscriptions/consumer-leases';
import { SubscriptionRunner } from '../../src/eventsourcing/subscriptions/subscription-runner';
import { FORGETTING_SUBSCRIPTION } from '../../src/identity/forgetting/forgetting.reactor';
import { MeetupEvent, meetupEventSchemas } from '../../src/meetups/domain/meetup.events';
import { toStreamId } from '../../src/meetups/domain/meetup.stream';
import { NOTIFICATIONS_SUBSCRIPTION } from '../../src/notifications/notifications.reactor';
import { FULFILMENT_SUBSCRIPTION } from '../../src/ordering/fulfilment/fulfilment.reactor';
import { eventStoreClient, openStores, TestStores } from '../support/app';
import { MongoProxy, startMongoProxy } from '../support/mongo-proxy';
import { lastDomainPosition, waitFor } from '../support/read';
import { startWorkerProcess, WorkerProcess } from '../support/worker-process';
import { seededRandom } from '../../src/eventsourcing/testing/seeded-random';

const definition = meetupCatalogProjection as unknown as AnyProjection;
const NAME = definition.name;
const COLLECTION = definition.collection;
const REBUILD_COLLECTION = `${COLLECTION}__rebuild`;
const LIVE_CHECKPOINT = `projection:${NAME}`;
const REBUILD_CHECKPOINT = `projection:${NAME}:rebuild`;

/** The seeded history: every meetup's events come in rounds, so that meetups interleave in `$all`. */
const MEETUPS = 300;
const EVENTS_PER_MEETUP = 100;
const EVENTS_PER_ROUND = 10;
const APPENDS_IN_FLIGHT = 8;
const KILLS = 10;
/** How long a kill aimed at a step waits for the step, and the end for the rebuild to be done. */
const AIM_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 60_000;
/**
 * How long each write of the live runner is held back, but during a slow swap: it lags behind the
 * rebuild, whose position a swap must then move its checkpoint to.
 */
const SLOW_LIVE_WRITE_MS = 200;
/**
 * How long the first step of every swap is held back, events being appended meanwhile: both
 * runners are stopped by then, so that a slow swap loses nothing.
 */
const SLOW_SWAP_MS = 500;
/** A lease taken over within about a second of its holder's death. */
const WORKER_ENV = { LEASE_TTL_SECONDS: '1' };
const DAY = 86_400_000;
const CITIES = ['Lisbon', 'Porto', 'Faro', 'Oslo', 'Bergen', 'Ghent'];

/**
 * The steps of a rebuild that a kill can be aimed at, each recognised by the command that does
 * it: the worker dies just before that command reaches MongoDB. Those of its fresh start, then
 * those of its swap (which a holder taking it over goes through again, skipping what is done).
 */
const FRESH_STEPS = [
  'drop old rebuild',
  'create rebuild',
  'reset rebuild checkpoint',
  'mark started',
] as const;
const SWAP_STEPS = [
  'mark swapping',
  'rename',
  'move live checkpoint',
  'mark swapped',
  'delete rebuild checkpoint',
] as const;
type Step = (typeof FRESH_STEPS)[number] | (typeof SWAP_STEPS)[number];

/** A kill after a random delay, or at the next time the holder is about to take a step. */
type PlannedKill = { delayMs: number } | { step: Step };
const labelOf = (kill: PlannedKill) => ('step' in kill ? `at "${kill.step}"` : `after ${kill.delayMs} ms`);

interface Kill {
  planned: string;
  /** When, since the test started. */
  at: string;
  /** Where the rebuild was when the worker died, as MongoDB had it. */
  phase: 'no rebuild' | 'requested' | 'building' | 'at the head' | 'swapping';
  /** How far the rebuild's checkpoint was, of the head's position. */
  progress: string;
}

describe('a blue/green projection rebuild under crashes', () => {
  let stores: TestStores;
  let client: EventStoreDBClient;
  let mongo: MongoClient;
  let db: Db;
  let registry: ProjectionRegistry;
  let checkpoints: CheckpointStore;
  let serializer: EventSerializer;
  const workers: WorkerProcess[] = [];
  const proxies: MongoProxy[] = [];
  /** Each worker's latest start after a kill, while it is under way. */
  const restarts: (Promise<void> | undefined)[] = [];
  /** Workers being killed here, between their cut and their restart. */
  const killing = new Set<number>();
  /** Workers found dead without being killed here (by another process's clean-up, say). */
  const unplanned: string[] = [];
  /** Every meetup, with the date it starts on by its latest event. */
  const meetups = new Map<string, Date>();

  const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  /** The events' mix, and apart from it the kill plan, each from the seed. */
  const random = seededRandom(seed);
  const planRandom = seededRandom(seed ^ 0x5eed);
  const between = (low: number, high: number, next = random) => low + Math.floor(next() * (high - low + 1));

  /** The kill being aimed at a step, and what to call once a worker is about to take it. */
  let aim: { step: Step; hit: (worker: number) => void } | undefined;
  /** The new read model's position when the swap under way began. */
  let swapFrom: bigint | undefined;
  /** Swaps recorded as done with the live checkpoint still behind that position. */
  const lateCheckpoints: string[] = [];
  /** While a swap is held back: a live runner still running then is not slowed down. */
  let swapHeld = false;

  beforeAll(async () => {
    stores = await openStores();
    client = eventStoreClient(stores);
    mongo = await MongoClient.connect(stores.mongoUrl);
    db = mongo.db(stores.mongoDatabase);
    registry = new ProjectionRegistry(db);
    checkpoints = new CheckpointStore(db);
    const schemas = new EventSchemaRegistry().register(...meetupEventSchemas);
    serializer = new EventSerializer(schemas, new PersonalDataVault(schemas, new PersonalDataKeys(db)));
  });

  afterAll(async () => {
    await Promise.all(restarts);
    for (const worker of workers) if (worker.alive()) await worker.stop();
    for (const proxy of proxies) await proxy.close();
    await client?.dispose();
    await mongo?.close();
    await stores?.close();
  });

  it('the rebuilding worker killed at 10 random points converges to the same documents', async () => {
    const started = performance.now();
    const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
    const plan = killPlan();
    console.log(
      `seed ${seed} (CRASH_SEED=${seed} runs it again), kill plan: ${plan.map(labelOf).join(', ')}`,
    );

    await seedMeetups();
    await othersUpToDate();
    console.log(`${elapsed()}: seeded ${MEETUPS * EVENTS_PER_MEETUP} events of ${MEETUPS} meetups`);

    // Each worker talks to MongoDB through a proxy of its own, so that a kill can be aimed at a step.
    for (let i = 0; i < 2; i++) {
      proxies.push(
        await startMongoProxy(stores.mongoUrl, {
          markers: [COLLECTION, 'projection_registry', LIVE_CHECKPOINT],
          inspect: (command) => aimed(i, command),
        }),
      );
    }
    workers.push(
      ...(await Promise.all(
        proxies.map((proxy) => startWorkerProcess({ ...stores, mongoUrl: proxy.url }, WORKER_ENV)),
      )),
    );

    // The first build (the registry knows no version yet), then the catalogue as it stands.
    const building = performance.now();
    await settle(await lastDomainPosition(client), 'the first build');
    const buildSeconds = ((performance.now() - building) / 1000).toFixed(1);
    const before = await documents(COLLECTION);
    expect(before).toHaveLength(MEETUPS);
    console.log(`${elapsed()}: catalogue built by the workers in ${buildSeconds} s`);

    // What an abandoned rebuild (of another version, say) left: a fresh start throws it all away.
    await db.collection(REBUILD_COLLECTION).insertMany([
      { _id: 'left-over' as any, title: 'Not a meetup', _position: storedPosition(1n) },
      { ...before[0], title: 'Stale', _position: storedPosition(10n ** 18n) },
    ]);
    await checkpoints.save(REBUILD_CHECKPOINT, { commit: 10n ** 18n, prepare: 10n ** 18n });

    // The same projection from the start of `$all`, in this process, to compare with at the end.
    const clean = await startCleanBuild();

    // The live read model keeps moving all along.
    let appending = true;
    let appended = 0;
    const appender = (async () => {
      for (let tick = 0; appending; tick++) {
        appended += await appendSome(tick);
        await sleep(100);
      }
    })();

    const kills: Kill[] = [];
    try {
      for (const planned of plan) {
        let killed: number | undefined;
        if ('step' in planned) {
          // A fresh start is made for a new request only: after the rebuild under way, if any.
          if (FRESH_STEPS.includes(planned.step as never))
            await waitFor(async () => !(await registry.get(NAME)).rebuild, 60_000);
          const hit = new Promise<number>((resolve) => (aim = { step: planned.step, hit: resolve }));
          if (!(await registry.get(NAME)).rebuild) await requestRebuild();
          const deadline = performance.now() + AIM_TIMEOUT_MS;
          while (killed === undefined && performance.now() < deadline) {
            reviveUnplanned();
            killed = await Promise.race([hit, sleep(100).then(() => undefined)]);
          }
          aim = undefined;
          if (killed === undefined)
            throw new Error(
              `kill ${kills.length + 1}, ${labelOf(planned)}: not reached in ${AIM_TIMEOUT_MS / 1000} s\n${await diagnostics()}`,
            );
        } else {
          // A kill needs a rebuild under way: another is asked for if the last one is done.
          if (!(await registry.get(NAME)).rebuild) await requestRebuild();
          await holder();
          await sleep(planned.delayMs);
        }
        killed ??= await holder();
        killing.add(killed);
        proxies[killed].cut();
        await workers[killed].kill();
        // Killed while starting again after an earlier kill: it is started once more.
        await restarts[killed];
        kills.push({
          at: elapsed(),
          planned: labelOf(planned),
          ...(await phaseNow()),
        });
        // Queries never see a half-built read model: every meetup is there, none moved back.
        await expectNoneBehind(before);
        proxies[killed].reopen();
        startAgain(killed);
        killing.delete(killed);
      }
    } finally {
      appending = false;
      aim = undefined;
      await appender;
    }
    console.log(`${elapsed()}: ${kills.length} kills, ${appended} events appended meanwhile`);
    console.log(
      kills
        .map(
          (kill, i) =>
            `kill ${i + 1} at ${kill.at}: ${kill.planned.padEnd(30)} ${kill.phase} ${kill.progress}`,
        )
        .join('\n'),
    );
    const phases = count(kills.map((kill) => kill.phase));
    console.log(`kills by phase: ${JSON.stringify(phases)}`);

    // Left alone, the rebuild is carried through: swapped in, and the live read model at the head.
    await Promise.all(restarts);
    if (unplanned.length > 0) console.log(`not killed here:\n${unplanned.join('\n')}`);
    const head = await lastDomainPosition(client);
    await settle(head, 'the rebuild');
    console.log(`${elapsed()}: rebuild swapped in, catalogue at the head`);

    const expected = await clean.at(head);
    const live = await documents(COLLECTION);
    expect(live.length).toBe(expected.length);
    expect(differences(live, expected)).toEqual([]);
    expect(
      (await db.listCollections({ name: REBUILD_COLLECTION }, { nameOnly: true }).toArray()).length,
    ).toBe(0);
    expect(await db.collection('checkpoints').findOne({ _id: REBUILD_CHECKPOINT as any })).toBeNull();
    const record = await registry.get(NAME);
    expect(record.version).toBe(definition.version);
    expect(record.rebuild).toBeUndefined();
    // Each swap moved the live checkpoint to the new read model's position before it was done.
    expect(lateCheckpoints).toEqual([]);

    // Not vacuous: workers died with the rebuild under way (and every aimed kill landed, above).
    expect(kills).toHaveLength(plan.length);
    const underWay = kills.filter((kill) => ['building', 'at the head', 'swapping'].includes(kill.phase));
    expect(underWay.length).toBeGreaterThanOrEqual(3);
  }, 240_000);

  /**
   * One rebuild, killed first at a step of its fresh start, then after random delays (while it
   * builds, mostly), then three times in its swap, each holder that takes over carrying it on: at
   * two of its first four steps in order, then as it deletes the rebuild's checkpoint.
   */
  function killPlan(): PlannedKill[] {
    if (process.env.CRASH_PLAN)
      return process.env.CRASH_PLAN.split(',').map((kill) =>
        /^\d+$/.test(kill) ? { delayMs: Number(kill) } : { step: kill as Step },
      );
    const pick = (low: number, high: number) => between(low, high, planRandom);
    const first = pick(0, SWAP_STEPS.length - 3);
    const second = pick(first + 1, SWAP_STEPS.length - 2);
    return [
      { step: FRESH_STEPS[pick(0, FRESH_STEPS.length - 1)] },
      ...Array.from({ length: KILLS - 4 }, () => ({ delayMs: pick(100, 1500) })),
      { step: SWAP_STEPS[first] },
      { step: SWAP_STEPS[second] },
      { step: 'delete rebuild checkpoint' },
    ];
  }

  /**
   * Called by a worker's proxy with each command that may be a rebuild step: true kills it there.
   * It also checks that a swap moves the live checkpoint before recording itself as done.
   */
  async function aimed(worker: number, command: Document): Promise<boolean> {
    const target = aim;
    const step = await stepOf(command, target?.step);
    // The new read model's position, final once the swap begins (its runner is stopped by then).
    if (step === 'mark swapping') swapFrom = (await checkpoints.load(REBUILD_CHECKPOINT))?.commit;
    if (step === 'mark swapped') {
      const live = (await checkpoints.load(LIVE_CHECKPOINT))?.commit ?? -1n;
      if (swapFrom !== undefined && live < swapFrom)
        lateCheckpoints.push(`swap recorded as done with the live checkpoint at ${live}, before ${swapFrom}`);
    }
    if (!target || step !== target.step || aim !== target) {
      if (step === 'mark swapping') await slowSwap();
      if (command.update === COLLECTION && !swapHeld) await sleep(SLOW_LIVE_WRITE_MS);
      return false;
    }
    aim = undefined;
    // Cut off at once: the command, and anything the worker sends after it, never lands.
    proxies[worker].cut();
    target.hit(worker);
    return true;
  }

  /**
   * Events appended while a swap waits: a live runner still running would apply them to the old
   * collection, about to be replaced.
   */
  async function slowSwap(): Promise<void> {
    swapHeld = true;
    try {
      for (let i = 0; i < 3; i++) await appendSome(i + 1);
      await sleep(SLOW_SWAP_MS);
    } finally {
      swapHeld = false;
    }
  }

  /** Which step `command` is, if it may be `step`; the registry tells apart steps alike. */
  async function stepOf(command: Document, step: Step | undefined): Promise<Step | undefined> {
    const rebuild = async () => (await registry.get(NAME)).rebuild;
    const first = (list: unknown) => (Array.isArray(list) ? (list[0] as Document) : undefined);
    if (command.drop === REBUILD_COLLECTION) return 'drop old rebuild';
    if (command.create === REBUILD_COLLECTION) return 'create rebuild';
    if (
      typeof command.renameCollection === 'string' &&
      command.renameCollection.endsWith(`.${REBUILD_COLLECTION}`)
    )
      return 'rename';
    if (command.delete === 'checkpoints' && first(command.deletes)?.q?._id === REBUILD_CHECKPOINT) {
      if (step !== 'reset rebuild checkpoint' && step !== 'delete rebuild checkpoint') return undefined;
      // A fresh start resets it, a swap (marked as begun, or done) deletes it.
      const current = await rebuild();
      return current && !current.swapStartedAt ? 'reset rebuild checkpoint' : 'delete rebuild checkpoint';
    }
    if (command.update === 'projection_registry') {
      const update = first(command.updates)?.u as Document | undefined;
      if (update?.$set?.['rebuild.startedAt']) return 'mark started';
      if (update?.$set?.['rebuild.swapStartedAt']) return 'mark swapping';
      if (update?.$unset?.rebuild !== undefined) return 'mark swapped';
    }
    if (
      step === 'move live checkpoint' &&
      command.update === 'checkpoints' &&
      first(command.updates)?.q?._id === LIVE_CHECKPOINT
    ) {
      // The live runner is stopped once the swap has begun: this save is the swap's.
      return (await rebuild())?.swapStartedAt ? 'move live checkpoint' : undefined;
    }
    return undefined;
  }

  /**
   * Every other consumer as if it had handled the seeded history already: only the catalogue has
   * it all to read (the others follow what is appended from now on).
   */
  async function othersUpToDate(): Promise<void> {
    let head: { commit: bigint; prepare: bigint } | undefined;
    for await (const resolved of client.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 }))
      head = resolved.event!.position;
    for (const other of projections.filter((projection) => projection.name !== NAME)) {
      await db
        .collection<ProjectionRecord>('projection_registry')
        .insertOne({ _id: other.name, version: other.version });
      await checkpoints.save(`projection:${other.name}`, head!);
    }
    for (const reactor of [FORGETTING_SUBSCRIPTION, NOTIFICATIONS_SUBSCRIPTION, FULFILMENT_SUBSCRIPTION])
      await checkpoints.save(reactor, head!);
  }

  /** The worker holding the catalogue, once one does (a killed holder's lease expires first). */
  async function holder(): Promise<number> {
    let index = -1;
    try {
      await waitFor(async () => {
        reviveUnplanned();
        const lease = await db
          .collection<ConsumerLeaseDocument>(CONSUMER_LEASES)
          .findOne({ _id: LIVE_CHECKPOINT });
        index = workers.findIndex(
          (worker, i) => worker.alive() && !restarts[i] && worker.holder() === lease?.holder,
        );
        return index >= 0;
      }, 30_000);
    } catch {
      throw new Error(`no worker took the catalogue over in 30 s\n${await diagnostics()}`);
    }
    return index;
  }

  /** Starts a killed worker again; a start cut short by another kill leaves it to that kill. */
  function startAgain(worker: number): void {
    const restart = workers[worker]
      .restart()
      .catch(() => undefined)
      .finally(() => {
        if (restarts[worker] === restart) restarts[worker] = undefined;
      });
    restarts[worker] = restart;
  }

  /**
   * A worker dead without being killed here is started again, and reported: to the rebuild it is
   * one more crash (an unplanned SIGKILL from outside), but a worker dying on its own is not.
   */
  function reviveUnplanned(): void {
    workers.forEach((worker, i) => {
      if (worker.alive() || restarts[i] || killing.has(i)) return;
      const output = worker.output().split('\n').slice(-10).join('\n');
      unplanned.push(`worker ${i}, found dead, its last output:\n${output}`);
      startAgain(i);
    });
  }

  async function requestRebuild(): Promise<void> {
    await registry.requestRebuild(NAME, definition.version, 'requested');
  }

  /** The rebuild as MongoDB has it (the killed worker can change nothing any more). */
  async function phaseNow(): Promise<Pick<Kill, 'phase' | 'progress'>> {
    const { rebuild } = await registry.get(NAME);
    const head = await lastDomainPosition(client);
    const reached = (await checkpoints.load(REBUILD_CHECKPOINT))?.commit;
    const live = (await checkpoints.load(LIVE_CHECKPOINT))?.commit ?? -1n;
    const progress =
      reached === undefined || reached > head
        ? ''
        : `(rebuild at ${Number((reached * 1000n) / head) / 10}% of the head)`;
    if (!rebuild) return { phase: 'no rebuild', progress };
    if (rebuild.swapStartedAt) return { phase: 'swapping', progress };
    if (!rebuild.startedAt) return { phase: 'requested', progress };
    return { phase: reached !== undefined && reached >= live ? 'at the head' : 'building', progress };
  }

  /** Every meetup seen before the rebuild is in the live collection, none of them older. */
  async function expectNoneBehind(before: Document[]): Promise<void> {
    const now = new Map(
      (
        await db
          .collection(COLLECTION)
          .find({}, { projection: { _position: 1 } })
          .toArray()
      ).map((doc) => [String(doc._id), String(doc._position)]),
    );
    const behind = before.filter((doc) => !now.has(doc._id) || now.get(doc._id)! < doc._position);
    expect(behind.map((doc) => doc._id)).toEqual([]);
  }

  /** Waits (bounded) for the rebuild to be carried through and the catalogue's checkpoint at `head`. */
  async function settle(head: bigint, what: string): Promise<void> {
    try {
      await waitFor(async () => {
        reviveUnplanned();
        const record = await registry.get(NAME);
        const live = (await checkpoints.load(LIVE_CHECKPOINT))?.commit ?? -1n;
        return record.version === definition.version && !record.rebuild && live >= head;
      }, SETTLE_TIMEOUT_MS);
    } catch {
      throw new Error(
        `${what} not done in ${SETTLE_TIMEOUT_MS / 1000} s (head ${head})\n${await diagnostics()}`,
      );
    }
  }

  /** The rebuild's state in MongoDB, and what the workers printed last. */
  async function diagnostics(): Promise<string> {
    const state = {
      registry: await registry.get(NAME),
      checkpoints: await db
        .collection('checkpoints')
        .find({ _id: { $in: [LIVE_CHECKPOINT, REBUILD_CHECKPOINT] as any[] } })
        .toArray(),
    };
    const outputs = workers.map(
      (worker, i) =>
        `worker ${i} (${worker.alive() ? 'alive' : 'dead'}${restarts[i] ? ', starting' : ''}):\n${worker.output().split('\n').slice(-15).join('\n')}`,
    );
    return [JSON.stringify(state), ...outputs].join('\n');
  }

  /**
   * The catalogue built from the start of `$all` into a collection of its own, in this process,
   * as a run never interrupted builds it: it goes on following new events until asked for
   * its documents `at` a position.
   */
  async function startCleanBuild(): Promise<{ at(head: bigint): Promise<Document[]> }> {
    const collection = `${COLLECTION}_clean`;
    const engine = new ProjectionEngine(db, definition, collection);
    await engine.prepare();
    const runner = new SubscriptionRunner(client, serializer, new CheckpointStore(db), {
      name: `clean-${randomUUID()}`,
      ...subscribedEvents(definition),
      handle: (events) => engine.applyBatch(events),
    });
    await runner.start();
    return {
      async at(head) {
        const reached = await runner.waitFor(head, SETTLE_TIMEOUT_MS);
        await runner.stop();
        expect(reached).toBe(true);
        return documents(collection);
      },
    };
  }

  const documents = (collection: string) =>
    db.collection(collection).find({}).sort({ _id: 1 }).toArray() as Promise<Document[]>;

  /** MEETUPS meetups of EVENTS_PER_MEETUP events each, appended in rounds, several in flight. */
  async function seedMeetups(): Promise<void> {
    const ids = Array.from({ length: MEETUPS }, () => randomUUID());
    const histories = ids.map((id, index) => meetupHistory(id, index));
    for (let round = 0; round * EVENTS_PER_ROUND < EVENTS_PER_MEETUP; round++) {
      const slice = (history: MeetupEvent[]) =>
        history.slice(round * EVENTS_PER_ROUND, (round + 1) * EVENTS_PER_ROUND);
      let next = 0;
      await Promise.all(
        Array.from({ length: APPENDS_IN_FLIGHT }, async () => {
          for (let i = next++; i < MEETUPS; i = next++) await append(ids[i], slice(histories[i]));
        }),
      );
    }
    ids.forEach((id, i) => meetups.set(id, lastStart(histories[i])));
  }

  /** A meetup scheduled and published, then mostly rescheduled, with seats reserved and sold or given back. */
  function meetupHistory(meetupId: string, index: number): MeetupEvent[] {
    let startsAt = new Date(Date.now() + (7 + (index % 300)) * DAY);
    const history: MeetupEvent[] = [
      {
        type: 'MeetupScheduled',
        data: {
          meetupId,
          title: `Rebuild night #${index}`,
          description: 'Talks, then drinks.',
          city: CITIES[index % CITIES.length],
          startsAt: startsAt.toISOString(),
          capacity: 500,
          organizerId: randomUUID(),
          ticketPriceCents: 100 * (index % 20),
        },
      },
      { type: 'MeetupPublished', data: { meetupId } },
    ];
    while (history.length < EVENTS_PER_MEETUP) {
      if (EVENTS_PER_MEETUP - history.length === 1 || random() < 0.6) {
        const previous = startsAt;
        startsAt = new Date(previous.getTime() + between(1, 48) * 3_600_000);
        history.push({
          type: 'MeetupRescheduled',
          data: { meetupId, startsAt: startsAt.toISOString(), previousStartsAt: previous.toISOString() },
        });
        continue;
      }
      history.push(...seatEvents(meetupId));
    }
    return history;
  }

  function seatEvents(meetupId: string): MeetupEvent[] {
    const orderId = randomUUID();
    const quantity = between(1, 4);
    return [
      { type: 'SeatsReserved', data: { meetupId, orderId, quantity } },
      random() < 0.7
        ? { type: 'SeatsSold', data: { meetupId, orderId, quantity } }
        : { type: 'SeatsReleased', data: { meetupId, orderId, quantity, sold: false } },
    ];
  }

  /** A tick of new events: seats or a new date for a meetup, now and then a new meetup. */
  async function appendSome(tick: number): Promise<number> {
    if (tick % 10 === 0) {
      const meetupId = randomUUID();
      const [scheduled, published] = meetupHistory(meetupId, meetups.size);
      meetups.set(meetupId, new Date((scheduled.data as { startsAt: string }).startsAt));
      await append(meetupId, [scheduled, published]);
      return 2;
    }
    const ids = [...meetups.keys()];
    const meetupId = ids[between(0, ids.length - 1)];
    if (random() < 0.5) return (await append(meetupId, seatEvents(meetupId)), 2);
    const previous = meetups.get(meetupId)!;
    const startsAt = new Date(previous.getTime() + DAY);
    meetups.set(meetupId, startsAt);
    await append(meetupId, [
      {
        type: 'MeetupRescheduled',
        data: { meetupId, startsAt: startsAt.toISOString(), previousStartsAt: previous.toISOString() },
      },
    ]);
    return 1;
  }

  /** Events as the application writes them: its serialized form, with its metadata. */
  async function append(meetupId: string, events: MeetupEvent[]): Promise<void> {
    const streamId = toStreamId(meetupId);
    const commandId = randomUUID();
    const context = { commandId, correlationId: commandId, causationId: commandId };
    await client.appendToStream(streamId, serializer.serialize(streamId, events, context));
  }
});

function lastStart(history: MeetupEvent[]): Date {
  const last = [...history].reverse().find((event) => 'startsAt' in event.data);
  return new Date((last!.data as { startsAt: string }).startsAt);
}

/** The documents that differ between two lists sorted by `_id` (the first few). */
function differences(actual: Document[], expected: Document[]): unknown[] {
  const expectedById = new Map(expected.map((doc) => [String(doc._id), doc]));
  const actualById = new Map(actual.map((doc) => [String(doc._id), doc]));
  const ids = [...new Set([...expectedById.keys(), ...actualById.keys()])].sort();
  return ids
    .filter((id) => !isDeepStrictEqual(actualById.get(id), expectedById.get(id)))
    .slice(0, 3)
    .map((id) => ({ id, actual: actualById.get(id), expected: expectedById.get(id) }));
}

const count = (items: string[]) =>
  items.reduce<Record<string, number>>(
    (counts, item) => ({ ...counts, [item]: (counts[item] ?? 0) + 1 }),
    {},
  );
