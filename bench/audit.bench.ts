import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, NO_STREAM } from '@eventstore/db-client';
import { MongoClient } from 'mongodb';
import { auditIndexProjection } from '../projections/audit-index.projection';
import { RunningApp, startApp } from '../src/app';
import { ConsumerOverview } from '../src/eventsourcing/projections/consumer-overview';
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
import { fmt, nowMs, report, runConcurrently, summarise } from './stats';

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
 * cause an e-mail in a stream of its own, by a thousand organisers. The app builds the audit
 * index from the store as a deployment does; the figures are taken once it is live.
 */
export async function benchAudit(): Promise<void> {
  console.log(
    `\nThe audit trail: ${Object.keys(QUERIES).length} queries over HTTP on ${fmt(MEETUPS * EVENTS_PER_SEEDED_MEETUP)} events (embedded servers on disk)`,
  );
  const stores = await spawnStores('audit');
  const client = EventStoreDBClient.connectionString(stores.eventStore.url);
  const mongo = await MongoClient.connect(stores.mongo.url);
  const config = {
    ...benchConfig(ADMIN),
    eventStoreUrl: stores.eventStore.url,
    mongoUrl: stores.mongo.url,
  };
  try {
    const registry = new EventSchemaRegistry().register(...meetupEventSchemas, ...notificationEventSchemas);
    const db = mongo.db(config.mongoDatabase);
    const serializer = new EventSerializer(
      registry,
      new PersonalDataVault(registry, new PersonalDataKeys(db)),
    );
    const seeded = await seed(client, serializer);

    const started = nowMs();
    const app = await startApp(config, { logger: false });
    try {
      const url = app.url!;
      await untilCaughtUp(app);
      report(
        'read models, audit index included, built by the app from the store (seconds)',
        fmt((nowMs() - started) / 1000, 1),
      );
      const admin = await logInAsAdmin(url);
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
    const appended = await client.appendToStream(
      streamId,
      flows.flatMap((flow) => flow.events),
      { expectedRevision: NO_STREAM },
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
      seeded.times.push({ meetupId, at: new Date().toISOString() });
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

/** Waits for every projection of the app to reach the head of the store, printing the audit index's progress. */
async function untilCaughtUp(app: RunningApp): Promise<void> {
  const overview = app.get(ConsumerOverview);
  const deadline = Date.now() + INDEX_TIMEOUT_MS;
  let lastPrint = Date.now();
  for (;;) {
    const projections = (await overview.all()).filter((view) => view.kind === 'projection');
    if (projections.every((view) => view.state === 'LIVE' && view.lag === 0)) return;
    const index = projections.find((view) => view.projection === auditIndexProjection.name)!;
    if (Date.now() > deadline) throw new Error(`the projections did not catch up: ${JSON.stringify(index)}`);
    if (Date.now() - lastPrint > 10_000) {
      lastPrint = Date.now();
      const { state, rebuild, checkpoint, head, eventsPerSecond } = index;
      const progress = rebuild
        ? `${rebuild.percent}% rebuilt, ${fmt(rebuild.eventsPerSecond)} events/s`
        : `at ${checkpoint} of ${head}, ${fmt(eventsPerSecond)} events/s`;
      console.log(`  audit index: ${state}, ${progress}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

if (require.main === module) {
  benchAudit().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
