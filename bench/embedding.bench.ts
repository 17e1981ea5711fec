import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../src/app';
import { spawnEmbeddedServer } from '../src/embedded/embedded-process';
import { startEmbeddedWorker } from '../src/embedded/embedded-worker';
import { graphql } from './graphql-client';
import { benchConfig, signUpOrganiser } from './identity';
import { fmt, nowMs, report, runConcurrently, summarise } from './stats';

const SCHEDULE = `mutation($input: ScheduleMeetupInput!) { scheduleMeetup(input: $input) { id position } }`;
const ROOT = join(__dirname, '../src/embedded');

interface Started {
  url: string;
  stop(): Promise<unknown>;
}

async function commandPath(
  label: string,
  start: (cli: string, args: string[]) => Promise<Started>,
): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-embedding-'));
  const eventStore = await start(join(ROOT, 'eventstore/cli.js'), [
    '--port',
    '0',
    '--data',
    join(dataDir, 'es'),
  ]);
  const mongo = await start(join(ROOT, 'mongodb/cli.js'), ['--port', '0', '--data', join(dataDir, 'mongo')]);
  const app = await startApp(
    { ...benchConfig(), eventStoreUrl: eventStore.url, mongoUrl: mongo.url },
    { logger: false },
  );
  let organiser: Record<string, string> = {};
  const send = () =>
    graphql(
      app.url!,
      SCHEDULE,
      {
        input: {
          title: 'Embedding',
          city: 'Lisbon',
          startsAt: new Date(Date.now() + 864e5).toISOString(),
          capacity: 9,
        },
      },
      organiser,
    );
  try {
    organiser = (await signUpOrganiser(app.url!)).headers;
    await runConcurrently(300, 10, send);
    const latencies: number[] = [];
    const total = 2000;
    const ms = await runConcurrently(total, 10, async () => {
      const begin = nowMs();
      await send();
      latencies.push(nowMs() - begin);
    });
    const { p50, p99 } = summarise(latencies);
    report(`${label}: scheduleMeetup at concurrency 10 (commands/s)`, fmt((total / ms) * 1000));
    report(`${label}: latency p50 / p99 (ms)`, `${fmt(p50, 1)} / ${fmt(p99, 1)}`);
  } finally {
    await app.close();
    await eventStore.stop();
    await mongo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Where the embedded servers run best beside the app: child processes or worker threads. */
export async function benchEmbedding(): Promise<void> {
  console.log('\nEmbedded servers beside the app: child processes vs worker threads');
  await commandPath('child processes', spawnEmbeddedServer);
  await commandPath('worker threads', startEmbeddedWorker);
}

if (require.main === module) {
  benchEmbedding().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
