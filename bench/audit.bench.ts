import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BACKWARDS, END, EventStoreDBClient, NO_STREAM } from '@eventstore/db-client';
import { Db, MongoClient } from 'mongodb';
import { auditIndexProjection } from '../projections/audit-index.projection';
import { usersProjection } from '../projections/users.projection';
import { startApp } from '../src/app';
import { AnyProjection, subscribedEvents } from '../src/eventsourcing/projections/projection-definition';
import { ProjectionEngine } from '../src/eventsourcing/projections/projection-engine';
import { CheckpointStore } from '../src/eventsourcing/subscriptions/checkpoint-store';
import { isRecordedEventType } from '../src/eventsourcing/subscriptions/domain-events';
import { SubscriptionRunner } from '../src/eventsourcing/subscriptions/subscription-runner';
import { userEventSchemas } from '../src/identity/domain/user.events';
import { EventSchemaRegistry } from '../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../src/eventsourcing/event-store/event-serializer';
import { PersonalDataKeys } from '../src/eventsourcing/personal-data/personal-data-keys';
import { PersonalDataVault } from '../src/eventsourcing/personal-data/personal-data-vault';
import { seededRandom } from '../src/eventsourcing/testing/seeded-random';
import { meetupEventSchemas } from '../src/meetups/domain/meetup.events';
import { toStreamId } from '../src/meetups/domain/meetup.stream';
import { emailStreamId, notificationEventSchemas } from '../src/notifications/email-journal';
import { spawnStores } from './embedded-stores';
import { graphql } from './graphql-client';
import { benchConfig } from './identity';
import { meetupHistory } from './meetup-history';
import { fmt, nowMs, peakRssMiB, report, runConcurrently, summarise } from './stats';

const EVENTS_PER_MEETUP = 100;
/** Each flow appends this many events to a meetup, then an e-mail it caused to a stream of its own. */
const FLOW_EVENTS = 10;
const EVENTS_PER_SEEDED_MEETUP = EVENTS_PER_MEETUP + EVENTS_PER_MEETUP / FLOW_EVENTS;
const TOTAL_EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const MEETUPS = Math.max(1, Math.round(TOTAL_EVENTS / EVENTS_PER_SEEDED_MEETUP));
const USERS = 1000;
const APPENDS_IN_FLIGHT = 8;
const SAMPLES = 300;
const WARM_UP = 20;
const TARGET_P99_MS = 50;
const INDEX_TIMEOUT_MS = 20 * 60_000;
const ADMIN = { ADMIN_EMAIL: 'bench-admin@example.test', ADMIN_PASSWORD: 'bench admin password' };

const EVENT = 'eventId streamId type revision position recordedAt data metadata';
const QUERIES = {
  correlationTrail: `query ($c: String!) { correlationTrail(correlationId: $c) { tree events { ${EVENT} } } }`,
  'streamStateAt (revision)': `query ($s: String!, $r: Int) { streamStateAt(streamId: $s, revision: $r) { revision state eventCount events { type revision } } }`,
  'streamStateAt (at)': `query ($s: String!, $at: DateTime) { streamStateAt(streamId: $s, at: $at) { revision state eventCount } }`,
  userActivity: `query ($u: String!, $after: String) { userActivity(userId: $u, first: 20, after: $after) { edges { cursor node { ${EVENT} } } pageInfo { hasNextPage endCursor } } }`,
  'auditEvents (type, after)': `query ($a: String) { auditEvents(types: ["MeetupRescheduled"], after: $a, limit: 100) { ${EVENT} } }`,
  'auditEvents (after)': `query ($a: String) { auditEvents(after: $a, limit: 100) { ${EVENT} } }`,
  streamHistory: `query ($s: String!, $from: Int) { streamHistory(streamId: $s, fromRevision: $from, limit: 100) { ${EVENT} } }`,
};

interface Seeded {
  meetupIds: string[];
  userIds: string[];
  correlationIds: string[];
  /** Positions and times spread over the store, to start reads from. */
  positions: string[];
  times: { meetupId: string; at: string }[];
}

/**
 * The audit queries over HTTP GraphQL on a store of a million events: meetup flows that each
 * cause an e-mail in a stream of its own, by a thousand organisers. An API process answers them;
 * the audit index and the users read model (for the admin's log-in) are built beforehand, from
 * the store, by the production runner and engine.
 */
export async function benchAudit(): Promise<void> {
  console.log(
    `\nThe audit trail: ${Object.keys(QUERIES).length} queries over HTTP on ${fmt(MEETUPS * EVENTS_PER_SEEDED_MEETUP)} events (embedded servers on disk)`,
  );
  const stores = await spawnStores('audit');
  const client = EventStoreDBClient.connectionString(stores.eventStore.url);
  const mongo = await MongoClient.connect(stores.mongo.url);
  const config = {
    ...benchConfig({ ...ADMIN, ROLE: 'api' }),
    eventStoreUrl: stores.eventStore.url,
    mongoUrl: stores.mongo.url,
  };
  try {
    const registry = new EventSchemaRegistry().register(
      ...userEventSchemas,
      ...meetupEventSchemas,
      ...notificationEventSchemas,
    );
    const db = mongo.db(config.mongoDatabase);
    const serializer = new EventSerializer(
      registry,
      new PersonalDataVault(registry, new PersonalDataKeys(db)),
    );
    const seeded = await seed(client, serializer);
    const app = await startApp(config, { logger: false });
    try {
      const url = app.url!;
      await buildReadModels(client, db, serializer);
      const admin = await logInAsAdmin(url);
      // A moment between a meetup's two appends names its state after the first.
      const { meetupId, at } = seeded.times[0];
      const { streamStateAt } = await graphql(
        url,
        QUERIES['streamStateAt (at)'],
        { s: toStreamId(meetupId), at },
        admin,
      );
      if (Number(streamStateAt.revision) !== EVENTS_PER_MEETUP / 2 - 1) {
        throw new Error(`the state as of ${at} is at revision ${streamStateAt.revision}`);
      }
      const random = seededRandom(7);
      const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
      const variables: Record<keyof typeof QUERIES, () => Promise<Record<string, unknown>>> = {
        correlationTrail: async () => ({ c: pick(seeded.correlationIds) }),
        'streamStateAt (revision)': async () => ({
          s: toStreamId(pick(seeded.meetupIds)),
          r: Math.floor(random() * EVENTS_PER_MEETUP),
        }),
        'streamStateAt (at)': async () => {
          const { meetupId, at } = pick(seeded.times);
          return { s: toStreamId(meetupId), at };
        },
        userActivity: async () => {
          const u = pick(seeded.userIds);
          if (random() < 0.5) return { u };
          const first = await graphql(url, QUERIES.userActivity, { u }, admin);
          return { u, after: (first.userActivity.pageInfo as unknown as { endCursor: string }).endCursor };
        },
        'auditEvents (type, after)': async () => ({ a: pick(seeded.positions) }),
        'auditEvents (after)': async () => ({ a: pick(seeded.positions) }),
        streamHistory: async () => ({
          s: toStreamId(pick(seeded.meetupIds)),
          from: Math.floor(random() * 50),
        }),
      };
      for (const [name, query] of Object.entries(QUERIES) as [keyof typeof QUERIES, string][]) {
        const latencies: number[] = [];
        for (let i = 0; i < WARM_UP + SAMPLES; i++) {
          const given = await variables[name]();
          const start = nowMs();
          await graphql(url, query, given, admin);
          if (i >= WARM_UP) latencies.push(nowMs() - start);
        }
        const { p50, p99 } = summarise(latencies);
        report(
          `${name}: p50 / p99 (ms, ${SAMPLES} sequential)`,
          `${fmt(p50, 1)} / ${fmt(p99, 1)}`,
          `p99 <= ${TARGET_P99_MS}`,
        );
      }
      report(
        'peak RSS of the MongoDB server, the index in memory (MiB)',
        fmt(peakRssMiB(stores.mongo.child.pid!)),
      );
    } finally {
      await app.close();
    }
  } finally {
    await mongo.close();
    await client.dispose();
    await stores.stop();
  }
}

/** Meetup streams of flows, each flow's e-mail in a stream of its own, several appends in flight. */
async function seed(client: EventStoreDBClient, serializer: EventSerializer): Promise<Seeded> {
  const now = Date.now();
  const userIds = Array.from({ length: USERS }, () => randomUUID());
  const seeded: Seeded = { meetupIds: [], userIds, correlationIds: [], positions: [], times: [] };
  const elapsed = await runConcurrently(MEETUPS, APPENDS_IN_FLIGHT, async (index) => {
    const meetupId = randomUUID();
    const userId = userIds[index % USERS];
    const streamId = toStreamId(meetupId);
    const history = meetupHistory(meetupId, index, now, EVENTS_PER_MEETUP);
    const scheduled = history[0];
    if (scheduled.type === 'MeetupScheduled') scheduled.data.organizerId = userId;
    const flows = Array.from({ length: EVENTS_PER_MEETUP / FLOW_EVENTS }, (_, flow) => {
      const commandId = randomUUID();
      const context = { commandId, correlationId: randomUUID(), causationId: commandId, userId };
      const events = history.slice(flow * FLOW_EVENTS, (flow + 1) * FLOW_EVENTS);
      return { context, events: serializer.serialize(streamId, events, context) };
    });
    // In two appends, with a moment between them to ask for the state as of half the stream.
    const half = flows.length / 2;
    await client.appendToStream(
      streamId,
      flows.slice(0, half).flatMap((flow) => flow.events),
      { expectedRevision: NO_STREAM },
    );
    await sleep(1);
    const between = new Date().toISOString();
    await sleep(1);
    const appended = await client.appendToStream(
      streamId,
      flows.slice(half).flatMap((flow) => flow.events),
      { expectedRevision: BigInt(half * FLOW_EVENTS - 1) },
    );
    for (const { context, events } of flows) {
      const trigger = events[events.length - 1].id;
      const messageId = randomUUID();
      const commandId = randomUUID();
      const email = serializer.serialize(
        emailStreamId(messageId),
        [{ type: 'EmailSent', data: { messageId, userId, subject: 'Your seats', triggeredBy: trigger } }],
        { commandId, correlationId: context.correlationId, causationId: trigger, userId },
      );
      await client.appendToStream(emailStreamId(messageId), email, { expectedRevision: NO_STREAM });
    }
    seeded.meetupIds.push(meetupId);
    if (index % 10 === 0) {
      seeded.correlationIds.push(...flows.map((flow) => flow.context.correlationId));
      seeded.positions.push(String(appended.position!.commit));
      seeded.times.push({ meetupId, at: between });
    }
  });
  report(
    `seeding: ${fmt(MEETUPS)} meetups of ${EVENTS_PER_MEETUP} events in ${EVENTS_PER_MEETUP / FLOW_EVENTS} flows, each flow with its e-mail (events/s)`,
    fmt((MEETUPS * EVENTS_PER_SEEDED_MEETUP * 1000) / elapsed),
  );
  return seeded;
}

async function logInAsAdmin(url: string): Promise<Record<string, string>> {
  const { logIn } = await graphql(
    url,
    `
      mutation ($input: LogInInput!) {
        logIn(input: $input) {
          token
        }
      }
    `,
    {
      input: { email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD },
    },
  );
  return { authorization: `Bearer ${logIn.token}` };
}

/** The users read model and the audit index, built from the start of the store to its head. */
async function buildReadModels(
  client: EventStoreDBClient,
  db: Db,
  serializer: EventSerializer,
): Promise<void> {
  const head = await lastRecordedPosition(client);
  // One after the other, so that the index's rate is its own.
  for (const projection of [usersProjection, auditIndexProjection]) {
    const definition = projection as unknown as AnyProjection;
    const engine = new ProjectionEngine(db, definition);
    await engine.prepare();
    let events = 0;
    const runner = new SubscriptionRunner(client, serializer, new CheckpointStore(db), {
      name: `projection:${definition.name}`,
      ...subscribedEvents(definition),
      batchSize: 1000,
      // Its checkpoint only moves with the events it is given; past its last one, it is done.
      idleCheckpointMs: 0,
      handle: async (batch) => {
        await engine.applyBatch(batch);
        events += batch.length;
      },
      log: (message) => console.error(message),
    });
    const started = nowMs();
    await runner.start();
    const reached = await runner.waitFor(head, INDEX_TIMEOUT_MS);
    const seconds = (nowMs() - started) / 1000;
    await runner.stop();
    if (!reached) throw new Error(`${definition.name} did not reach the head in time`);
    if (definition === (auditIndexProjection as unknown as AnyProjection)) {
      report(`audit index built from the store: ${fmt(events)} events (events/s)`, fmt(events / seconds));
    }
  }
}

/** The position of the last event the application recorded (not the server's own, not a snapshot). */
async function lastRecordedPosition(client: EventStoreDBClient): Promise<bigint> {
  let last = -1n;
  for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 100 })) {
    if (last < 0n && isRecordedEventType(resolved.event!.type)) last = resolved.event!.position.commit;
  }
  return last;
}

if (require.main === module) {
  benchAudit().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
