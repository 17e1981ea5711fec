import { parseArgs } from 'node:util';
import { parentPort } from 'node:worker_threads';

export interface EmbeddedCliOptions {
  port: number;
  /** Undefined with `--memory`. */
  dataDir: string | undefined;
}

/** Parses `--port <n> --data <dir> --memory` for the embedded servers' command lines. */
export function parseEmbeddedCliOptions(
  argv: string[],
  defaults: { port: number; dataDir: string },
): EmbeddedCliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: String(defaults.port) },
      data: { type: 'string', default: defaults.dataDir },
      memory: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got '${values.port}'.`);
  }
  return {
    port,
    dataDir: values.memory ? undefined : values.data,
  };
}

/** Runs a server until SIGINT or SIGTERM, then closes it and exits. */
export async function serveUntilSignalled(
  name: string,
  start: () => Promise<{ url: string; close(): Promise<void> }>,
  options: Pick<EmbeddedCliOptions, 'dataDir'>,
): Promise<void> {
  const { dataDir } = options;
  let server: { url: string; close(): Promise<void> };
  try {
    server = await start();
  } catch (error) {
    const busy = (error as { code?: string }).code === 'SQLITE_BUSY';
    const reason = busy ? `${dataDir} is in use by another server` : (error as Error).message;
    console.error(`${name} failed to start: ${reason}`);
    process.exit(1);
  }
  console.log(`${name} listening: ${server.url}`);
  console.log(dataDir ? `${name} data: ${dataDir}` : `${name} data: in memory (lost on exit)`);
  const stop = (signal: string) => {
    console.log(`${name} received ${signal}, shutting down`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // In a worker thread, the app asks for the stop; process.exit then ends only the thread.
  parentPort?.on('message', (message) => message === 'stop' && stop('stop request'));
}

/** The whole command line of an embedded server: parse options, serve, stop on a signal. */
export function runEmbeddedCli(
  name: string,
  defaults: { port: number; dataDir: string },
  start: (options: EmbeddedCliOptions) => Promise<{ url: string; close(): Promise<void> }>,
): void {
  let options: EmbeddedCliOptions;
  try {
    options = parseEmbeddedCliOptions(process.argv.slice(2), defaults);
  } catch (error) {
    console.error((error as Error).message);
    console.error(
      `usage: npm run ${name} -- [--port ${defaults.port}] [--data ${defaults.dataDir} | --memory]`,
    );
    process.exit(2);
  }
  void serveUntilSignalled(name, () => start(options), options);
}
