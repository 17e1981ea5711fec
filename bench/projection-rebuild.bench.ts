import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EventStoreDBClient, NO_STREAM } from '@eventstore/db-client';
import { Db, MongoClient } from 'mongodb';
import { MeetupCatalogDocument, meetupCatalogProjection } from '../projections/meetup-catalog.projection';
import { EventSchemaRegistry } from '../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../src/eventsourcing/event-store/event-serializer';
import { storedPosition } from '../src/eventsourcing/event-store/stored-position';
import { PersonalDataKeys } from '../src/eventsourcing/personal-data/personal-data-keys';
import { PersonalDataVault } from '../src/eventsourcing/personal-data/personal-data-vault';
import {
  AnyProjection,
  subscribedEvents,
  RecordedEvent,
} from '../src/eventsourcing/projections/projection-definition';
import { ProjectionEngine } from '../src/eventsourcing/projections/projection-engine';
import { CheckpointStore } from '../src/eventsourcing/subscriptions/checkpoint-store';
import { SubscriptionRunner } from '../src/eventsourcing/subscriptions/subscription-runner';
import { MeetupEvent, meetupEventSchemas } from '../src/meetups/domain/meetup.events';
import { toStreamId } from '../src/meetups/domain/meetup.stream';
import { spawnStores } from './embedded-stores';
import { meetupHistory } from './meetup-history';
import { fmt, nowMs, report, runConcurrently } from './stats';
import { seededRandom } from '../src/eventsourcing/testing/seeded-random';

const EVENTS_PER_MEETUP = 100;
const TOTAL_EVENTS = Math.max(
  EVENTS_PER_MEETUP,
  Math.round(Number(process.env.BENCH_REBUILD_EVENTS ?? 1_000_000) / EVENTS_PER_MEETUP) * EVENTS_PER_MEETUP,
);
const MEETUPS = TOTAL_EVENTS / EVENTS_PER_MEETUP;
const APPENDS_IN_FLIGHT = 8;
const BATCH_SIZES = [1, 100, 1000];
/** Batch size 1 covers only the first this many events, or as many as it applies in PREFIX_MS. */
const PREFIX_EVENTS = 100_000;
const PREFIX_MS = 60_000;
const FULL_RUN_TIMEOUT_MS = 15 * 60_000;
const SPOT_CHECKS = 8;
const MIB = 1024 * 1024;
const DATABASE = 'bench_rebuild';

/** One seeded meetup: its id, and the `$all` commit position of its last event. */
interface Seeded {
  meetupId: string;
  last: bigint;
}

interface RunResult {
  batchSize: number;
  applied: number;
  seconds: number;
  prefix: boolean;
  peakRss: number;
  eventStoreRss: number;
  mongoRss: number;
}

/**
 * Rebuilding the meetup catalogue from the start of `$all` into a fresh collection, as a new
 * projection version does: `SubscriptionRunner` driving `ProjectionEngine`, against the embedded
 * servers on disk in their own processes, at three batch sizes.
 */
export async function benchProjectionRebuild(): Promise<void> {
  console.log(
    `\nRebuilding the meetup catalogue projection from $all: ${fmt(TOTAL_EVENTS)} events of ${fmt(MEETUPS)} meetups (embedded servers on disk)`,
  );
  const stores = await spawnStores('rebuild');
  const client = EventStoreDBClient.connectionString(stores.eventStore.url);
  const mongo = await MongoClient.connect(stores.mongo.url);
  try {
    const db = mongo.db(DATABASE);
    const registry = new EventSchemaRegistry().register(...meetupEventSchemas);
    const serializer = new EventSerializer(
      registry,
      new PersonalDataVault(registry, new PersonalDataKeys(db)),
    );
    const seeded = await seed(client, serializer);
    const servers = [stores.eventStore.child.pid!, stores.mongo.child.pid!];
    const results: RunResult[] = [];
    for (const batchSize of BATCH_SIZES) {
      const result = await rebuild(client, db, serializer, seeded, batchSize, servers);
      results.push(result);
      printRun(result);
    }
    const best = results
      .filter((r) => !r.prefix)
      .reduce((a, b) => (b.applied / b.seconds > a.applied / a.seconds ? b : a));
    report(
      `best: batch size ${fmt(best.batchSize)} (events/s)`,
      fmt(best.applied / best.seconds),
      '>= 20,000',
    );
    report(
      'peak RSS of the rebuilding process, over every run (MiB)',
      fmt(Math.max(...results.map((r) => r.peakRss)) / MIB, 1),
      '<= 1,024',
    );
  } finally {
    await mongo.close();
    await client.dispose();
    await stores.stop();
  }
}

/** Every meetup's whole stream in one append, several appends in flight. */
async function seed(client: EventStoreDBClient, serializer: EventSerializer): Promise<Seeded[]> {
  const now = Date.now();
  const seeded: Seeded[] = new Array(MEETUPS);
  const elapsed = await runConcurrently(MEETUPS, APPENDS_IN_FLIGHT, async (index) => {
    const meetupId = randomUUID();
    const streamId = toStreamId(meetupId);
    const commandId = randomUUID();
    const context = { commandId, correlationId: commandId, causationId: commandId };
    const events = serializer.serialize(
      streamId,
      meetupHistory(meetupId, index, now, EVENTS_PER_MEETUP),
      context,
    );
    const result = await client.appendToStream(streamId, events, { expectedRevision: NO_STREAM });
    seeded[index] = { meetupId, last: result.position!.commit };
  });
  report(
    `seeding: ${fmt(MEETUPS)} appends of ${EVENTS_PER_MEETUP} events, ${APPENDS_IN_FLIGHT} in flight (events/s)`,
    fmt((TOTAL_EVENTS / elapsed) * 1000),
  );
  report('  seconds', fmt(elapsed / 1000, 1));
  // In `$all` order: each stream was one append, so its events lie together.
  return seeded.sort((a, b) => (a.last < b.last ? -1 : a.last > b.last ? 1 : 0));
}

/**
 * One rebuild into a fresh collection under a checkpoint of its own, timed until the runner has
 * handled the head of `$all` (or, at batch size 1, the end of the prefix).
 */
async function rebuild(
  client: EventStoreDBClient,
  db: Db,
  serializer: EventSerializer,
  seeded: Seeded[],
  batchSize: number,
  servers: number[],
): Promise<RunResult> {
  const definition = meetupCatalogProjection as unknown as AnyProjection;
  const collectionName = `${definition.collection}_rebuild_${batchSize}`;
  const engine = new ProjectionEngine(db, definition, collectionName);
  await engine.prepare();
  // Batch size 1 is far slower: it covers a prefix of the log, and stops after PREFIX_MS.
  const bounded = batchSize === 1;
  const reachable = bounded ? Math.min(Math.ceil(PREFIX_EVENTS / EVENTS_PER_MEETUP), MEETUPS) : MEETUPS;
  const target = seeded[reachable - 1].last;
  let applied = 0;
  const runner = new SubscriptionRunner(client, serializer, new CheckpointStore(db), {
    name: `projection:${definition.name}:bench-rebuild-${batchSize}-${randomUUID()}`,
    ...subscribedEvents(definition),
    batchSize,
    handle: async (events) => {
      await engine.applyBatch(events);
      applied += events.length;
    },
    log: (message) => console.error(message),
  });

  const sampler = new RssSampler(servers);
  const started = nowMs();
  let reached: boolean;
  let appliedAtEnd: number;
  let seconds: number;
  try {
    await runner.start();
    reached = await runner.waitFor(target, bounded ? PREFIX_MS : FULL_RUN_TIMEOUT_MS);
    seconds = (nowMs() - started) / 1000;
    appliedAtEnd = applied;
  } finally {
    sampler.stop();
    await runner.stop();
  }
  if (!reached && !bounded) throw new Error(`batch size ${batchSize}: the head was not reached in time`);
  const prefix = appliedAtEnd < TOTAL_EVENTS;

  await verify(client, db, serializer, seeded, collectionName, runner.status().position, applied, bounded);
  return {
    batchSize,
    applied: appliedAtEnd,
    seconds,
    prefix,
    peakRss: sampler.peaks[0],
    eventStoreRss: sampler.peaks[1],
    mongoRss: sampler.peaks[2],
  };
}

/**
 * The rebuilt collection holds one document per meetup the run reached, and a sample of them
 * equals a fold of their streams, up to the position the run reached, through the projection.
 */
async function verify(
  client: EventStoreDBClient,
  db: Db,
  serializer: EventSerializer,
  seeded: Seeded[],
  collectionName: string,
  position: bigint,
  applied: number,
  bounded: boolean,
): Promise<void> {
  const collection = db.collection<MeetupCatalogDocument>(collectionName);
  if (!bounded && applied !== TOTAL_EVENTS) {
    throw new Error(`${collectionName}: ${fmt(applied)} events applied, expected ${fmt(TOTAL_EVENTS)}`);
  }
  const reachedMeetups = Math.ceil(applied / EVENTS_PER_MEETUP);
  const count = await collection.countDocuments();
  if (count !== reachedMeetups) {
    throw new Error(`${collectionName}: ${fmt(count)} documents, expected ${fmt(reachedMeetups)}`);
  }
  const reached = seeded.slice(0, reachedMeetups);
  const sample = new Set([reached[0], reached[reached.length - 1], reached[Math.floor(reached.length / 2)]]);
  const random = seededRandom(reachedMeetups);
  while (sample.size < Math.min(SPOT_CHECKS, reached.length))
    sample.add(reached[Math.floor(random() * reached.length)]);
  for (const { meetupId } of sample) {
    let expected: MeetupCatalogDocument | undefined;
    let last: bigint | undefined;
    for await (const resolved of client.readStream(toStreamId(meetupId))) {
      const event = serializer.deserialize(resolved);
      if (!event || event.position > position) continue;
      const next = meetupCatalogProjection.apply(expected, event as RecordedEvent<MeetupEvent>);
      if (next === 'delete') expected = undefined;
      else if (next !== 'unchanged') expected = next;
      last = event.position;
    }
    const stored = await collection.findOne({ _id: meetupId });
    const folded = expected && { ...expected, _position: storedPosition(last!) };
    if (canonical(stored) !== canonical(folded ?? null)) {
      throw new Error(
        `${collectionName}: meetup ${meetupId} is ${canonical(stored)}, a fold of its stream gives ${canonical(folded ?? null)}`,
      );
    }
  }
}

/** JSON with keys in order, so that documents compare whatever order their fields came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

function printRun(run: RunResult): void {
  const scope = run.prefix
    ? `first ${fmt(run.applied)} of ${fmt(TOTAL_EVENTS)} events only (bounded to ${fmt(PREFIX_EVENTS)} events or ${PREFIX_MS / 1000} s)`
    : `all ${fmt(TOTAL_EVENTS)} events`;
  console.log(`batch size ${fmt(run.batchSize)}: ${scope}`);
  report('  events applied', fmt(run.applied));
  report('  seconds', fmt(run.seconds, 1));
  report(
    '  events/s',
    fmt(run.applied / run.seconds),
    run.batchSize === 1 ? undefined : '>= 20,000 at the best',
  );
  report('  peak RSS, rebuilding process (MiB)', fmt(run.peakRss / MIB, 1), '<= 1,024');
  report(
    '  peak RSS, event store / mongodb server processes (MiB)',
    `${fmt(run.eventStoreRss / MIB, 0)} / ${fmt(run.mongoRss / MIB, 0)}`,
  );
}

/** The highest RSS seen every 100 ms: this process's, then each server process's (from /proc). */
class RssSampler {
  readonly peaks: number[];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: number[]) {
    this.peaks = new Array(pids.length + 1).fill(0);
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    this.peaks[0] = Math.max(this.peaks[0], process.memoryUsage().rss);
    this.pids.forEach((pid, i) => (this.peaks[i + 1] = Math.max(this.peaks[i + 1], rssOf(pid))));
  }
}

/** A process's resident set size in bytes, from /proc (Linux); NaN elsewhere. */
function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

if (require.main === module) {
  benchProjectionRebuild().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
