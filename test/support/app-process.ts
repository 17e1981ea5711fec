import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { graphqlRequest, GraphQLResponse, TEST_ENV, TestStores } from './app';

/** The built entry point, as `npm start` runs it: `npm test` builds first. */
const MAIN = join(__dirname, '../../dist/src/main.js');

export interface AppProcess {
  url: string;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, and waits for it to exit. */
  stop(): Promise<void>;
}

/** The whole app (`ROLE=all`) in a process of its own, against the test's stores, its output captured. */
export async function startAppProcess(stores: TestStores, env: Record<string, string>): Promise<AppProcess> {
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: {
      ...withoutOwnSettings(process.env),
      ...TEST_ENV,
      PORT: '0',
      ...env,
      EVENTSTORE_URL: stores.eventStoreUrl,
      MONGODB_URL: stores.mongoUrl,
      MONGODB_DATABASE: stores.mongoDatabase,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`app not listening after 30 s:\n${output}`)), 30_000);
    const check = () => {
      const listening = /GraphQL API: +(http:\/\/\S+)\/graphql/.exec(output);
      if (!listening) return;
      clearTimeout(deadline);
      child.stdout!.off('data', check);
      resolve(listening[1]);
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(deadline);
      reject(new Error(`app exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    gql: (query, variables, headers) => graphqlRequest(url, query, variables, headers),
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The test runner's own environment, less the settings each test gives the app itself. */
function withoutOwnSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const own = /^(LOG_|OTEL_|PORT$|ROLE$|NODE_ENV$)/;
  return Object.fromEntries(Object.entries(env).filter(([name]) => !own.test(name)));
}
