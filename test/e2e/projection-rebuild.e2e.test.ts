import { subscribedEvents } from '../../src/eventsourcing/projections/projection-definition';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStoreDBClient, NO_STREAM } from '@eventstore/db-client';
import { Db, MongoClient } from 'mongodb';
import { projections } from '../../projections';
import { MeetupCatalogDocument, meetupCatalogProjection } from '../../projections/meetup-catalog.projection';
import { EventSchemaRegistry } from '../../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../../src/eventsourcing/event-store/event-serializer';
import { PersonalDataKeys } from '../../src/eventsourcing/personal-data/personal-data-keys';
import { PersonalDataVault } from '../../src/eventsourcing/personal-data/personal-data-vault';
import { ProjectionEngine } from '../../src/eventsourcing/projections/projection-engine';
import {
  PROJECTION_REGISTRY,
  ProjectionRecord,
  RebuildRecord,
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
import {
  eventStoreClient,
  GraphQLResponse,
  openStores,
  startTestApp,
  TestApp,
  TestStores,
} from '../support/app';
import { ADMIN_ENV, logInAsAdmin, signUp, TestUser } from '../support/identity';
import { inDays, PUBLISH, SCHEDULE } from '../support/meetup-operations';
import { lastDomainPosition, waitFor } from '../support/read';

const PROJECTIONS = `query {
  projections {
    name kind projection version state checkpoint head lag eventsPerSecond parked lastError holder
    rebuild { version reason startedAt position percent events eventsPerSecond etaSeconds }
  }
}`;
const STATUS_FIELDS = `name state checkpoint lag rebuild { version reason startedAt position percent }`;
const REBUILD = `mutation ($name: String!) { rebuildProjection(name: $name) { ${STATUS_FIELDS} } }`;
const PAUSE = `mutation ($name: String!) { pauseProjection(name: $name) { ${STATUS_FIELDS} } }`;
const RESUME = `mutation ($name: String!) { resumeProjection(name: $name) { ${STATUS_FIELDS} } }`;
const MEETUP = `query ($id: ID!, $at: String) { meetup(id: $id, consistentWith: $at) { id title status } }`;
const MEETUP_IDS = `query ($first: Int, $after: String) {
  meetups(first: $first, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }
}`;

const CATALOG = meetupCatalogProjection.collection;
const CONSUMER = `projection:${meetupCatalogProjection.name}`;
/** Long enough a history that a rebuild of the catalogue takes seconds on the embedded servers. */
const SEEDED_MEETUPS = 80;
const EVENTS_PER_MEETUP = 100;
const CONSISTENCY_TIMEOUT_MS = 2000;
/** Direct reads of the catalogue's collection kept in flight while a swap may happen. */
const PROBES_IN_FLIGHT = 3;
const DAY = 86_400_000;

interface Status {
  name: string;
  kind: string;
  projection: string | null;
  version: number | null;
  state: string;
  checkpoint: string | null;
  head: string | null;
  lag: number;
  holder: string | null;
  lastError: string | null;
  rebuild: {
    version: number;
    reason: string;
    startedAt: string | null;
    position: string | null;
    percent: number;
    events: number;
    eventsPerSecond: number;
    etaSeconds: number | null;
  } | null;
}

interface Written {
  id: string;
  position: string;
}

/** Polls `check` until it holds, pausing between tries: the status query reads `$all` each time. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  await waitFor(async () => {
    if (await check()) return true;
    await sleep(everyMs);
    return false;
  }, timeoutMs);
}

const codeOf = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.code;

/**
 * A seeded meetup's whole history, as the app records it: scheduled, mostly published, then moved
 * again and again (events only the catalogue reads, so that they cost the other consumers little).
 */
function seededHistory(meetupId: string, index: number, now: number): MeetupEvent[] {
  let startsAt = new Date(now + (10 + 2 * index) * DAY);
  const history: MeetupEvent[] = [
    {
      type: 'MeetupScheduled',
      data: {
        meetupId,
        title: `Seeded meetup ${index}`,
        description: 'Talks, then drinks.',
        city: index % 2 ? 'Faro' : 'Braga',
        startsAt: startsAt.toISOString(),
        capacity: 100 + index,
        organizerId: randomUUID(),
        ticketPriceCents: 100 * index,
      },
    },
  ];
  if (index % 5 !== 0) history.push({ type: 'MeetupPublished', data: { meetupId } });
  while (history.length < EVENTS_PER_MEETUP) {
    const previous = startsAt;
    startsAt = new Date(previous.getTime() + 60_000);
    history.push({
      type: 'MeetupRescheduled',
      data: { meetupId, startsAt: startsAt.toISOString(), previousStartsAt: previous.toISOString() },
    });
  }
  return history;
}

describe('blue/green projection rebuilds', () => {
  let stores: TestStores;
  let client: EventStoreDBClient;
  let mongo: MongoClient;
  let db: Db;
  let app: TestApp;
  let admin: TestUser;
  let organiser: TestUser;
  let serializer: EventSerializer;
  /** Meetups appended before the app first started. */
  const seeded: string[] = [];
  let seededCount = 0;
  const env = { ...ADMIN_ENV, CONSISTENCY_TIMEOUT_MS: String(CONSISTENCY_TIMEOUT_MS) };
  /** The catalogue's status while a new version was built at boot, and its live checkpoint then. */
  const duringBuild: { status?: Status; stored?: string } = {};

  beforeAll(async () => {
    stores = await openStores();
    client = eventStoreClient(stores);
    mongo = await MongoClient.connect(stores.mongoUrl);
    db = mongo.db(stores.mongoDatabase);
    const schemas = new EventSchemaRegistry().register(...meetupEventSchemas);
    serializer = new EventSerializer(schemas, new PersonalDataVault(schemas, new PersonalDataKeys(db)));

    // Appended before the first start: the first build reads them in full batches.
    seeded.push(...(await seedMeetups(SEEDED_MEETUPS)));
    app = await startTestApp(stores, env);
    // The admin is made at boot, and the first build meets their sign-up after the seeded history.
    await eventually(
      async () => (await db.collection('users').countDocuments({ role: 'ADMIN' })) > 0,
      30_000,
    );
    admin = await logInAsAdmin(app);
    organiser = await signUp(app);
    await eventually(async () => (await db.collection(CATALOG).countDocuments()) === SEEDED_MEETUPS, 30_000);
    await catalogAtHead();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await client?.dispose();
    await mongo?.close();
    await stores?.close();
  });

  /** Appends `count` meetups' whole histories directly to the store, several appends at a time. */
  async function seedMeetups(count: number): Promise<string[]> {
    const now = Date.now();
    const ids = Array.from({ length: count }, () => randomUUID());
    const first = seededCount;
    seededCount += count;
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < count) {
          const index = next++;
          const streamId = toStreamId(ids[index]);
          const commandId = randomUUID();
          const context = { commandId, correlationId: commandId, causationId: commandId };
          const events = serializer.serialize(
            streamId,
            seededHistory(ids[index], first + index, now),
            context,
          );
          await client.appendToStream(streamId, events, { expectedRevision: NO_STREAM });
        }
      }),
    );
    return ids;
  }

  const asAdmin = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, admin.headers);

  async function statuses(): Promise<Status[]> {
    const response = await asAdmin(PROJECTIONS);
    expect(response.errors).toBeUndefined();
    return response.data!.projections as Status[];
  }
  const catalogStatus = async () => (await statuses()).find((status) => status.name === CONSUMER)!;
  const registryRecord = async () =>
    db.collection<ProjectionRecord>(PROJECTION_REGISTRY).findOne({ _id: meetupCatalogProjection.name });

  async function schedule(daysAhead: number, title = 'Scheduled during a rebuild'): Promise<Written> {
    const response = await app.gql(
      SCHEDULE,
      { input: { title, city: 'Lisbon', startsAt: inDays(daysAhead), capacity: 20 } },
      organiser.headers,
    );
    expect(response.errors).toBeUndefined();
    return response.data!.scheduleMeetup as Written;
  }

  async function publish(meetupId: string): Promise<Written> {
    const response = await app.gql(PUBLISH, { input: { meetupId } }, organiser.headers);
    expect(response.errors).toBeUndefined();
    return response.data!.publishMeetup as Written;
  }

  /** Every meetup id the catalogue lists, page by page, as a client pages through it. */
  async function listedIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    let after: string | null = null;
    for (;;) {
      const response: GraphQLResponse = await app.gql(MEETUP_IDS, { first: 100, after });
      if (response.errors) throw new Error(`meetups failed: ${JSON.stringify(response.errors)}`);
      const page = response.data!.meetups;
      for (const edge of page.edges) ids.add(edge.node.id);
      if (!page.pageInfo.hasNextPage) return ids;
      after = page.pageInfo.endCursor;
    }
  }

  /**
   * Keeps several counts of the catalogue's collection in flight until `stop()` says so, each of
   * which must find at least `least()` documents: even a gap of a single round trip shows (the
   * queries above check which documents, less often). Answers how many counts ran.
   */
  async function probeCatalog(
    least: () => number,
    stop: () => boolean,
    failures: Set<string>,
  ): Promise<number> {
    const catalog = db.collection(CATALOG);
    let probes = 0;
    await Promise.all(
      Array.from({ length: PROBES_IN_FLIGHT }, async () => {
        while (!stop()) {
          const expected = least();
          const found = await catalog.estimatedDocumentCount();
          probes++;
          if (found < expected) failures.add(`${CATALOG} held ${found} documents, fewer than ${expected}`);
        }
      }),
    );
    return probes;
  }

  /** Waits until the catalogue's live read model has handled the last event in the store. */
  async function catalogAtHead(): Promise<bigint> {
    const head = await lastDomainPosition(client);
    await eventually(async () => {
      const status = await catalogStatus();
      return status.state === 'LIVE' && status.checkpoint !== null && BigInt(status.checkpoint) >= head;
    }, 20_000);
    return head;
  }

  /** The catalogue built from the first event into a scratch collection by a single runner. */
  async function cleanBuild(until: bigint): Promise<MeetupCatalogDocument[]> {
    const scratch = `catalog_clean_${randomUUID().slice(0, 8)}`;
    const checkpoints = new CheckpointStore(db);
    const engine = new ProjectionEngine(db, meetupCatalogProjection, scratch);
    await engine.prepare();
    const runner = new SubscriptionRunner(client, serializer, checkpoints, {
      name: scratch,
      ...subscribedEvents(meetupCatalogProjection),
      handle: (events) => engine.applyBatch(events),
    });
    await runner.start();
    try {
      expect(await runner.waitFor(until, 30_000)).toBe(true);
    } finally {
      await runner.stop();
    }
    const documents = await db.collection<MeetupCatalogDocument>(scratch).find({}).sort({ _id: 1 }).toArray();
    await db.dropCollection(scratch);
    await checkpoints.delete(scratch);
    return documents;
  }

  const liveDocuments = () =>
    db.collection<MeetupCatalogDocument>(CATALOG).find({}).sort({ _id: 1 }).toArray();

  /**
   * The catalogue holds exactly what a clean build up to the last event holds, `_position`
   * included: it is the position of the last event applied to the document, the same whoever
   * applied it and in however many batches.
   */
  async function expectEqualToCleanBuild(): Promise<void> {
    const head = await catalogAtHead();
    const clean = await cleanBuild(head);
    expect(clean.length).toBeGreaterThanOrEqual(SEEDED_MEETUPS);
    expect(await liveDocuments()).toEqual(clean);
  }

  /** What a rebuild leaves behind once swapped in: no second collection, no rebuild checkpoint, the indexes. */
  async function expectSwappedIn(): Promise<void> {
    const collections = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(collections).toContain(CATALOG);
    expect(collections).not.toContain(`${CATALOG}__rebuild`);
    expect(await db.collection('checkpoints').findOne({ _id: `${CONSUMER}:rebuild` as never })).toBeNull();
    const indexes = (await db.collection(CATALOG).listIndexes().toArray()).map((index) => index.name);
    for (const index of meetupCatalogProjection.indexes) expect(indexes).toContain(index.name);
  }

  it('rebuilds under concurrent writes and queries into what a clean build gives, never serving a partial read model', async () => {
    // The live read model has drifted (as after a fixed projection bug): only a rebuild mends it.
    const catalog = db.collection<MeetupCatalogDocument>(CATALOG);
    await catalog.updateOne({ _id: seeded[0] }, { $set: { title: 'Drifted title', seatsTaken: 999 } });
    const stray = randomUUID();
    const strayDoc = { ...(await catalog.findOne({ _id: seeded[1] }))!, _id: stray, title: 'Stray document' };
    await catalog.insertOne(strayDoc);

    /** Meetups every read must include: seeded, and each one written since once a read has shown it. */
    const known = new Set<string>(seeded);
    const before = await listedIds();
    expect([...known, stray].filter((id) => !before.has(id))).toEqual([]);

    const rebuilt = await asAdmin(REBUILD, { name: 'meetup-catalog' });
    expect(rebuilt.errors).toBeUndefined();
    expect(rebuilt.data!.rebuildProjection).toMatchObject({
      name: CONSUMER,
      rebuild: { reason: 'requested' },
    });
    expect(['REBUILDING', 'LIVE']).toContain(rebuilt.data!.rebuildProjection.state);

    let done = false;
    const failures = new Set<string>();
    const observed: Status[] = [];
    const writtenDuring: Written[] = [];
    let reads = 0;

    const writer = async () => {
      for (let n = 0; !done; n++) {
        const scheduled = await schedule(11 + n * 1.37);
        const last = n % 2 ? await publish(scheduled.id) : scheduled;
        writtenDuring.push(last);
        // Read your own write, rebuild or not.
        const read = await app.gql(MEETUP, { id: last.id, at: last.position });
        if (read.errors || read.data!.meetup?.id !== last.id)
          failures.add(`meetup ${last.id} at ${last.position}: ${JSON.stringify(read)}`);
        else known.add(last.id);
      }
    };
    const lister = async () => {
      while (!done) {
        const expected = new Set(known);
        const ids = await listedIds();
        reads++;
        const missing = [...expected].filter((id) => !ids.has(id));
        if (missing.length > 0) failures.add(`meetups listed ${ids.size}, missing ${missing.length}`);
        await sleep(50);
      }
    };
    const reader = async () => {
      for (let n = 0; !done; n++) {
        const id = seeded[n % seeded.length];
        const read = await app.gql(MEETUP, { id });
        reads++;
        if (read.errors || read.data!.meetup?.id !== id)
          failures.add(`meetup ${id}: ${JSON.stringify(read)}`);
        await sleep(20);
      }
    };
    const watcher = async () => {
      try {
        await eventually(
          async () => {
            const status = await catalogStatus();
            observed.push(status);
            return (
              status.state === 'LIVE' &&
              status.rebuild === null &&
              (await registryRecord())?.rebuild === undefined
            );
          },
          45_000,
          20,
        );
        // A little longer under load, past the swap.
        await sleep(300);
      } finally {
        done = true;
      }
    };
    const [probes] = await Promise.all([
      probeCatalog(
        () => known.size,
        () => done,
        failures,
      ),
      writer(),
      lister(),
      reader(),
      watcher(),
    ]);
    expect(probes).toBeGreaterThan(100);

    expect([...failures]).toEqual([]);
    expect(reads).toBeGreaterThan(10);
    expect(writtenDuring.length).toBeGreaterThan(3);
    // The rebuild was seen under way, with its progress.
    const rebuilding = observed.filter((status) => status.state === 'REBUILDING' && status.rebuild?.position);
    expect(rebuilding.length).toBeGreaterThan(0);
    for (const status of rebuilding) {
      expect(status.rebuild).toMatchObject({ version: meetupCatalogProjection.version, reason: 'requested' });
      expect(status.rebuild!.percent).toBeGreaterThanOrEqual(0);
      expect(status.rebuild!.percent).toBeLessThanOrEqual(100);
      expect(BigInt(status.rebuild!.position!)).toBeLessThanOrEqual(BigInt(status.head!));
      expect(status.rebuild!.startedAt).toBe(rebuilding[0].rebuild!.startedAt);
    }
    expect(
      rebuilding.some(
        (status) =>
          status.rebuild!.percent > 0 && status.rebuild!.percent < 100 && status.rebuild!.events > 0,
      ),
    ).toBe(true);
    const finished = observed[observed.length - 1];
    expect(finished).toMatchObject({
      state: 'LIVE',
      rebuild: null,
      version: meetupCatalogProjection.version,
    });

    const record = await registryRecord();
    expect(record).toMatchObject({ version: meetupCatalogProjection.version });
    expect(record!.rebuild).toBeUndefined();
    expect(record!.lastRebuild).toMatchObject({
      reason: 'requested',
      version: meetupCatalogProjection.version,
    });
    await expectSwappedIn();

    // Each meetup written during the rebuild is read through its consistency token after the swap.
    for (const written of writtenDuring) {
      const read = await app.gql(MEETUP, { id: written.id, at: written.position });
      expect(read.errors).toBeUndefined();
      expect(read.data!.meetup).toMatchObject({ id: written.id });
    }
    // And one written now, on the swapped-in read model.
    const after = await schedule(40, 'After the swap');
    expect((await app.gql(MEETUP, { id: after.id, at: after.position })).data!.meetup).toMatchObject({
      id: after.id,
      title: 'After the swap',
    });

    // The drift is gone: the read model is the one the events give.
    expect((await app.gql(MEETUP, { id: stray })).data!.meetup).toBeNull();
    expect((await app.gql(MEETUP, { id: seeded[0] })).data!.meetup.title).toBe('Seeded meetup 0');
    await expectEqualToCleanBuild();
  }, 90_000);

  it('leaves a rebuild under way alone when it is asked for again', async () => {
    const first = asAdmin(REBUILD, { name: 'meetup-catalog' });
    // Asked for again as soon as it has started.
    let requested: RebuildRecord | undefined;
    await eventually(
      async () => {
        requested = (await registryRecord())?.rebuild;
        return requested?.startedAt !== undefined;
      },
      10_000,
      5,
    );
    expect(requested).toMatchObject({ version: meetupCatalogProjection.version, reason: 'requested' });
    const again = await asAdmin(REBUILD, { name: CONSUMER });
    expect(again.errors).toBeUndefined();
    expect(again.data!.rebuildProjection.name).toBe(CONSUMER);
    // The one under way goes on (or has just been swapped in): none was started afresh.
    const startedAt = requested!.startedAt!.toISOString();
    expect([startedAt, null]).toContain(again.data!.rebuildProjection.rebuild?.startedAt ?? null);
    const meanwhile = (await registryRecord())!;
    expect(meanwhile.rebuild ?? meanwhile.lastRebuild).toMatchObject({
      requestedAt: requested!.requestedAt,
      startedAt: requested!.startedAt,
    });

    const answered = await first;
    expect(answered.errors).toBeUndefined();
    expect(['REBUILDING', 'LIVE']).toContain(answered.data!.rebuildProjection.state);
    await eventually(async () => (await registryRecord())?.rebuild === undefined, 30_000);
    expect((await registryRecord())!.lastRebuild).toMatchObject({
      reason: 'requested',
      requestedAt: requested!.requestedAt,
      startedAt: requested!.startedAt,
    });
    await expectSwappedIn();
  }, 60_000);

  it('pauses a projection: new events wait, consistent reads time out, and a resume applies them', async () => {
    await catalogAtHead();
    const paused = await asAdmin(PAUSE, { name: CONSUMER });
    expect(paused.errors).toBeUndefined();
    expect(paused.data!.pauseProjection).toMatchObject({ name: CONSUMER, state: 'PAUSED', rebuild: null });
    expect((await registryRecord())!.paused).toBe(true);
    const before = await catalogStatus();
    expect(before.state).toBe('PAUSED');

    const scheduled = await schedule(60, 'Scheduled while paused');
    const published = await publish(scheduled.id);
    const during = await catalogStatus();
    expect(during).toMatchObject({ state: 'PAUSED', checkpoint: before.checkpoint });
    expect(during.lag).toBeGreaterThanOrEqual(before.lag + 2);
    expect((await statuses()).find((status) => status.name === 'projection:users')!.state).not.toBe('PAUSED');

    expect((await app.gql(MEETUP, { id: scheduled.id })).data!.meetup).toBeNull();
    const asked = Date.now();
    const stale = await app.gql(MEETUP, { id: scheduled.id, at: published.position });
    expect(codeOf(stale)).toBe('STALE_READ');
    expect(Date.now() - asked).toBeGreaterThanOrEqual(CONSISTENCY_TIMEOUT_MS - 50);
    expect(await db.collection(CATALOG).findOne({ _id: scheduled.id as never })).toBeNull();

    // A pause outlives a restart of the worker.
    await app.close();
    app = await startTestApp(stores, env);
    expect(await catalogStatus()).toMatchObject({ state: 'PAUSED', checkpoint: before.checkpoint });
    expect(await db.collection(CATALOG).findOne({ _id: scheduled.id as never })).toBeNull();

    const resumed = await asAdmin(RESUME, { name: 'meetup-catalog' });
    expect(resumed.errors).toBeUndefined();
    expect(resumed.data!.resumeProjection.state).not.toBe('PAUSED');
    expect((await registryRecord())!.paused).toBe(false);
    const read = await app.gql(MEETUP, { id: scheduled.id, at: published.position });
    expect(read.errors).toBeUndefined();
    expect(read.data!.meetup).toEqual({
      id: scheduled.id,
      title: 'Scheduled while paused',
      status: 'PUBLISHED',
    });
    await eventually(async () => {
      const status = await catalogStatus();
      return status.state === 'LIVE' && status.lag === 0;
    }, 10_000);
  }, 30_000);

  it('refuses unknown projections, reactors, non-admins and anonymous callers, and lists every consumer', async () => {
    const registry = db.collection(PROJECTION_REGISTRY);
    const recorded = await registry.find({}).sort({ _id: 1 }).toArray();
    const attendee = await signUp(app, 'ATTENDEE');
    for (const mutation of [REBUILD, PAUSE, RESUME]) {
      for (const name of [
        'nope',
        'projection:nope',
        'reactor:notifications',
        'notifications',
        'process:order-fulfilment',
      ]) {
        const refused = await asAdmin(mutation, { name });
        expect(codeOf(refused)).toBe('UNKNOWN_PROJECTION');
        expect(refused.data).toBeNull();
      }
      for (const user of [organiser, attendee]) {
        const forbidden = await app.gql(mutation, { name: 'meetup-catalog' }, user.headers);
        expect(codeOf(forbidden)).toBe('FORBIDDEN');
      }
      expect(codeOf(await app.gql(mutation, { name: 'meetup-catalog' }))).toBe('UNAUTHENTICATED');
    }
    expect(codeOf(await app.gql(PROJECTIONS, {}, organiser.headers))).toBe('FORBIDDEN');
    expect(codeOf(await app.gql(PROJECTIONS))).toBe('UNAUTHENTICATED');
    expect(await registry.find({}).sort({ _id: 1 }).toArray()).toEqual(recorded);

    const leases = await db.collection<ConsumerLeaseDocument>(CONSUMER_LEASES).find({}).toArray();
    const expected = [
      ...projections.map((p) => `projection:${p.name}`).sort(),
      FORGETTING_SUBSCRIPTION,
      NOTIFICATIONS_SUBSCRIPTION,
      FULFILMENT_SUBSCRIPTION,
    ];
    expect(expected).toEqual([
      ...projections.map((p) => `projection:${p.name}`).sort(),
      'reactor:forgetting',
      'reactor:notifications',
      'process:order-fulfilment',
    ]);
    const listed = await statuses();
    expect(listed.map((status) => status.name)).toEqual(expected);
    for (const status of listed) {
      const holder = leases.find((lease) => lease._id === status.name)?.holder;
      expect(holder).toEqual(expect.any(String));
      expect(status.holder).toBe(holder);
      expect(status.state).not.toBe('STOPPED');
      const definition = projections.find((p) => `projection:${p.name}` === status.name);
      if (definition) {
        expect(status).toMatchObject({
          kind: 'PROJECTION',
          projection: definition.name,
          version: definition.version,
        });
      } else {
        expect(status).toMatchObject({
          kind: status.name.startsWith('process:') ? 'PROCESS_MANAGER' : 'REACTOR',
          projection: null,
          version: null,
          rebuild: null,
        });
      }
    }
  }, 30_000);

  it('rebuilds blue/green at boot when the recorded version differs, serving the old read model until the swap', async () => {
    await catalogAtHead();
    await app.close();
    // As after a deployment of a new version: the registry and the documents are of the old one.
    await db
      .collection<ProjectionRecord>(PROJECTION_REGISTRY)
      .updateOne({ _id: meetupCatalogProjection.name }, { $set: { version: 1 } });
    const catalog = db.collection<MeetupCatalogDocument>(CATALOG);
    const marker = randomUUID();
    await catalog.insertOne({
      ...(await catalog.findOne({ _id: seeded[2] }))!,
      _id: marker,
      title: 'Old marker',
    });
    await catalog.updateOne({ _id: seeded[3] }, { $set: { title: 'Old format' } });
    const existing = (await catalog.find({}, { projection: { _id: 1 } }).toArray()).map((doc) => doc._id);
    // Events keep coming while the app is down; the new version's build reads them all.
    const arrived = await seedMeetups(SEEDED_MEETUPS / 2);

    duringBuild.stored = String((await new CheckpointStore(db).load(CONSUMER))!.commit);
    app = await startTestApp(stores, env);
    const failures = new Set<string>();
    const written: Written[] = [];
    let swapped = false;
    let servedOld = 0;
    // A read through a consistency token waits for the new read model: it is answered from it, or
    // STALE_READ, never from the old documents, which stay as they were until the swap.
    const consistentReads = async () => {
      while (!swapped) {
        const scheduled = await schedule(70 + written.length, 'Scheduled during the new version build');
        written.push(scheduled);
        const read = await app.gql(MEETUP, { id: scheduled.id, at: scheduled.position });
        if (!(read.data?.meetup?.id === scheduled.id || codeOf(read) === 'STALE_READ'))
          failures.add(`consistent read ${JSON.stringify(read)}`);
      }
    };
    const reads = async () => {
      try {
        for (;;) {
          const fresh = written[0];
          const [markerRead, stale, ids, arrivedRead, freshRead] = await Promise.all([
            app.gql(MEETUP, { id: marker }),
            app.gql(MEETUP, { id: seeded[3] }),
            listedIds(),
            app.gql(MEETUP, { id: arrived[0] }),
            fresh ? app.gql(MEETUP, { id: fresh.id }) : undefined,
          ]);
          const missing = existing.filter((id) => id !== marker && !ids.has(id));
          if (missing.length > 0) failures.add(`meetups missing ${missing.length} of ${existing.length}`);
          const record = (await registryRecord())!;
          if (!record.rebuild) return;
          expect(record.rebuild).toMatchObject({
            version: meetupCatalogProjection.version,
            reason: 'new-version',
          });
          if (record.rebuild.swapStartedAt) continue;
          // Read before the swap began: the old documents, as they were, and nothing newer.
          servedOld++;
          if (markerRead.data?.meetup?.title !== 'Old marker')
            failures.add(`marker ${JSON.stringify(markerRead)}`);
          if (stale.data?.meetup?.title !== 'Old format') failures.add(`old title ${JSON.stringify(stale)}`);
          if (arrivedRead.data?.meetup !== null)
            failures.add(`arrived meetup ${JSON.stringify(arrivedRead)}`);
          if (freshRead && freshRead.data?.meetup !== null)
            failures.add(`new meetup ${JSON.stringify(freshRead)}`);
          await sleep(50);
        }
      } finally {
        swapped = true;
      }
    };
    const watchStatus = async () => {
      while (!swapped && !duringBuild.status) {
        const status = await catalogStatus();
        if (status.state === 'REBUILDING' && status.rebuild?.startedAt) duringBuild.status = status;
      }
    };
    const meetups = existing.filter((id) => id !== marker);
    await Promise.all([
      probeCatalog(
        () => meetups.length,
        () => swapped,
        failures,
      ),
      consistentReads(),
      reads(),
      watchStatus(),
    ]);
    expect([...failures]).toEqual([]);
    expect(servedOld).toBeGreaterThan(0);
    expect(duringBuild.status).toMatchObject({
      state: 'REBUILDING',
      version: meetupCatalogProjection.version,
      rebuild: { version: meetupCatalogProjection.version, reason: 'new-version' },
    });

    const record = (await registryRecord())!;
    expect(record.version).toBe(meetupCatalogProjection.version);
    expect(record.lastRebuild).toMatchObject({
      version: meetupCatalogProjection.version,
      reason: 'new-version',
    });
    await expectSwappedIn();
    expect((await app.gql(MEETUP, { id: marker })).data!.meetup).toBeNull();
    expect((await app.gql(MEETUP, { id: seeded[3] })).data!.meetup.title).toBe('Seeded meetup 3');
    expect((await listedIds()).size).toBe(existing.length - 1 + arrived.length + written.length);
    for (const scheduled of written) {
      const read = await app.gql(MEETUP, { id: scheduled.id, at: scheduled.position });
      expect(read.data!.meetup).toMatchObject({ id: scheduled.id });
    }
    await expectEqualToCleanBuild();
    expect((await catalogStatus()).version).toBe(meetupCatalogProjection.version);
  }, 60_000);

  // The stored checkpoint, not the position of a live runner that has not started yet in this process.
  it('shows, while a new version is built, the checkpoint of the read model queries read', () => {
    expect(duringBuild.stored).toEqual(expect.stringMatching(/^\d+$/));
    expect(duringBuild.status).toMatchObject({ state: 'REBUILDING', checkpoint: duringBuild.stored });
  });
});
