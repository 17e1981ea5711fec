import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { TEST_ENV, TestStores } from './app';

/** The built entry point, as `npm start` runs it: `npm test` builds first. */
const MAIN = join(__dirname, '../../dist/src/main.js');

export interface WorkerProcess {
  /** Everything it printed, across restarts. */
  output(): string;
  /** The id it holds consumers under (in `consumer_leases`): a new one at each start. */
  holder(): string;
  /** Base URL of its health and metrics endpoints (on a free port unless PORT is given). */
  url(): string;
  /** False once killed or stopped, until it is started again. */
  alive(): boolean;
  /** SIGKILL: no shutdown, no last checkpoint. */
  kill(): Promise<void>;
  /** Starts it again after a kill. */
  restart(): Promise<void>;
  /** SIGTERM, and waits for it to exit. */
  stop(): Promise<void>;
}

/** `ROLE=worker` in a process of its own, against the test's stores, as a deployment runs it. */
export async function startWorkerProcess(
  stores: TestStores,
  env: Record<string, string>,
): Promise<WorkerProcess> {
  let output = '';
  let holder = '';
  let url = '';
  let child: ChildProcess | undefined;
  const exited = () =>
    new Promise<void>((resolve) =>
      child!.exitCode !== null || child!.signalCode !== null
        ? resolve()
        : child!.once('exit', () => resolve()),
    );

  const start = async () => {
    child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        ...TEST_ENV,
        PORT: '0',
        ...env,
        ROLE: 'worker',
        EVENTSTORE_URL: stores.eventStoreUrl,
        MONGODB_URL: stores.mongoUrl,
        MONGODB_DATABASE: stores.mongoDatabase,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = child;
    started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const from = output.length;
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(
        () => reject(new Error(`worker not running after 30 s:\n${output}`)),
        30_000,
      );
      const check = () => {
        const running = /Worker running as (\S+):[^]*Metrics: +(\S+)\/metrics/.exec(output.slice(from));
        if (!running) return;
        holder = running[1];
        url = running[2];
        clearTimeout(deadline);
        started.stdout!.off('data', check);
        resolve();
      };
      started.stdout!.on('data', check);
      started.once('exit', (code) => {
        clearTimeout(deadline);
        reject(new Error(`worker exited with ${code}:\n${output}`));
      });
    });
  };

  await start();
  return {
    output: () => output,
    holder: () => holder,
    url: () => url,
    alive: () => child!.exitCode === null && child!.signalCode === null,
    async kill() {
      child!.kill('SIGKILL');
      await exited();
    },
    restart: start,
    async stop() {
      child!.kill('SIGTERM');
      await exited();
    },
  };
}
