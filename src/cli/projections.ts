import { setTimeout as sleep } from 'node:timers/promises';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { MongoClient } from 'mongodb';
import { projections } from '../../projections';
import { AppConfig, ConfigError, loadConfig } from '../config/app-config';
import { CodedError } from '../eventsourcing/deciders/coded-error';
import { ConsumerOverview, ConsumerView } from '../eventsourcing/projections/consumer-overview';
import { ProjectionOperations } from '../eventsourcing/projections/projection-operations';
import { ProjectionRegistry } from '../eventsourcing/projections/projection-registry';
import { CheckpointStore } from '../eventsourcing/subscriptions/checkpoint-store';
import { ConsumerBoard } from '../eventsourcing/subscriptions/consumer-board';
import { ConsumerLeases } from '../eventsourcing/subscriptions/consumer-leases';
import { ParkedEvents } from '../eventsourcing/subscriptions/parked-events';
import { formatStatus, formatSummary, RebuildSummary, toJson } from './projections-output';

const POLL_MS = 500;

/** The stores of a running app: its configured URLs, or the embedded servers it started. */
function storeUrls(config: AppConfig) {
  return {
    eventStoreUrl: config.eventStoreUrl ?? `esdb://127.0.0.1:${config.embeddedEventStorePort}?tls=false`,
    mongoUrl: config.mongoUrl ?? `mongodb://127.0.0.1:${config.embeddedMongoPort}/?directConnection=true`,
  };
}

interface Stores {
  operations: ProjectionOperations;
  overview: ConsumerOverview;
  registry: ProjectionRegistry;
  close(): Promise<void>;
}

async function connect(): Promise<Stores> {
  const config = loadConfig(process.env, { requireSecrets: false });
  const { eventStoreUrl, mongoUrl } = storeUrls(config);
  const mongo = await MongoClient.connect(mongoUrl, { serverSelectionTimeoutMS: 3000 }).catch(() => {
    throw new Unreachable(`MongoDB at ${mongoUrl}`);
  });
  const client = EventStoreDBClient.connectionString(eventStoreUrl);
  const close = async () => {
    await client.dispose();
    await mongo.close();
  };
  if (!(await answers(client))) {
    await close();
    throw new Unreachable(`the event store at ${eventStoreUrl}`);
  }
  const db = mongo.db(config.mongoDatabase);
  if ((await db.listCollections({ name: 'checkpoints' }, { nameOnly: true }).toArray()).length === 0) {
    await close();
    throw new Unreachable(
      `an app's read models in the database ${config.mongoDatabase} (none has run there: is MONGODB_DATABASE right?)`,
    );
  }
  const registry = new ProjectionRegistry(db);
  const overview = new ConsumerOverview(
    client,
    {
      registry,
      board: new ConsumerBoard(db),
      leases: new ConsumerLeases(db),
      checkpoints: new CheckpointStore(db),
      parked: new ParkedEvents(db),
    },
    projections,
    { holder: '', status: () => [], names: () => [] },
  );
  return { operations: new ProjectionOperations(registry, overview, projections), overview, registry, close };
}

async function answers(client: EventStoreDBClient): Promise<boolean> {
  try {
    for await (const _ of client.readAll({ maxCount: 1, deadline: 3000 })) void _;
    return true;
  } catch {
    return false;
  }
}

class Unreachable extends Error {
  constructor(what: string) {
    super(
      `Cannot reach ${what}. Start the app first (npm start), or set EVENTSTORE_URL and MONGODB_URL ` +
        'as the app has them.',
    );
  }
}

async function withStores(action: (stores: Stores) => Promise<void>): Promise<void> {
  const stores = await connect();
  try {
    await action(stores);
  } finally {
    await stores.close();
  }
}

async function status(options: { json?: boolean }): Promise<void> {
  await withStores(async ({ overview }) => {
    const views = await overview.all();
    console.log(options.json ? JSON.stringify(views.map(toJson), null, 2) : formatStatus(views));
  });
}

async function rebuild(name: string, options: { json?: boolean; wait: boolean }): Promise<void> {
  await withStores(async ({ operations, overview, registry }) => {
    const definition = operations.definition(name);
    const started = await operations.rebuild(name);
    const startedAt = (await registry.get(definition.name)).rebuild?.requestedAt;
    if (!options.wait) {
      console.log(options.json ? JSON.stringify(toJson(started), null, 2) : formatStatus([started]));
      return;
    }
    const bar = options.json
      ? undefined
      : new SingleBar(
          {
            format: `${definition.name} |{bar}| {percentage}% | {events} events | {rate} events/s | {left} left`,
            hideCursor: true,
          },
          Presets.shades_classic,
        );
    bar?.start(100, 0, { events: 0, rate: 0, left: '?' });
    let warned: string | undefined;
    for (;;) {
      const record = await registry.get(definition.name);
      if (
        !record.rebuild &&
        record.lastRebuild &&
        (!startedAt || record.lastRebuild.requestedAt >= startedAt)
      ) {
        bar?.update(100);
        bar?.stop();
        const summary: RebuildSummary = { projection: definition.name, ...record.lastRebuild };
        console.log(options.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
        return;
      }
      const view = (await overview.one(started.name)) as ConsumerView;
      const waiting = WAITING[view.state];
      if (waiting && warned !== view.state) {
        warned = view.state;
        bar?.stop();
        console.error(waiting(definition.name));
        bar?.start(100, 0, { events: 0, rate: 0, left: '?' });
      }
      if (view.rebuild) {
        bar?.update(view.rebuild.percent, {
          events: view.rebuild.events.toLocaleString('en'),
          rate: Math.round(view.rebuild.eventsPerSecond).toLocaleString('en'),
          left: view.rebuild.etaSeconds === undefined ? '?' : `${view.rebuild.etaSeconds} s`,
        });
      }
      await sleep(POLL_MS);
    }
  });
}

/** Why a rebuild does not move, and what to do about it. */
const WAITING: Partial<Record<string, (name: string) => string>> = {
  STOPPED: (name) =>
    `No worker runs projection:${name}: the rebuild goes on once one does (npm start, or ROLE=worker).`,
  PAUSED: (name) =>
    `projection:${name} is paused: the rebuild goes on once it is resumed (npm run projections -- resume ${name}).`,
};

async function toggle(action: 'pause' | 'resume', name: string, options: { json?: boolean }): Promise<void> {
  await withStores(async ({ operations }) => {
    const view = await (action === 'pause' ? operations.pause(name) : operations.resume(name));
    console.log(options.json ? JSON.stringify(toJson(view), null, 2) : formatStatus([view]));
  });
}

/** Runs an action; an operator's mistake is one line on stderr and exit code 1, never a stack trace. */
const run =
  <A extends unknown[]>(action: (...args: A) => Promise<void>) =>
  async (...args: A): Promise<void> => {
    try {
      await action(...args);
    } catch (error) {
      if (!(error instanceof ConfigError || error instanceof CodedError || error instanceof Unreachable))
        throw error;
      console.error(error.message);
      process.exitCode = 1;
    }
  };

const program = new Command('projections')
  .description("Projection operations against a running app's stores (the same configuration as the app).")
  .showHelpAfterError();

program
  .command('status')
  .description('every consumer: state, checkpoint, lag, rate, parked events, holder, rebuild progress')
  .option('--json', 'print JSON')
  .action(run(status));

program
  .command('rebuild')
  .description('rebuild a projection from the start of the stream, blue/green, and follow it to the swap')
  .argument('<name>', 'the projection, e.g. meetup-catalog')
  .option('--json', 'print the summary as JSON, and no progress bar')
  .option('--no-wait', 'ask for the rebuild and return at once')
  .action(run(rebuild));

program
  .command('pause')
  .description('stop a projection (and its rebuild) until resumed')
  .argument('<name>')
  .option('--json', 'print JSON')
  .action(run((name: string, options: { json?: boolean }) => toggle('pause', name, options)));

program
  .command('resume')
  .description('run a paused projection again')
  .argument('<name>')
  .option('--json', 'print JSON')
  .action(run((name: string, options: { json?: boolean }) => toggle('resume', name, options)));

program.parseAsync().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
