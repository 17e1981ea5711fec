import { parseArgs } from 'node:util';

export interface EmbeddedCliOptions {
  port: number;
  /** Undefined with `--memory`. */
  dataDir: string | undefined;
  /** Stop when the process that started this one is gone, even if it was killed. */
  exitWithParent: boolean;
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
      'exit-with-parent': { type: 'boolean', default: false },
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
    exitWithParent: values['exit-with-parent'],
  };
}

/** Runs a server until SIGINT or SIGTERM, then closes it and exits. */
export async function serveUntilSignalled(
  name: string,
  start: () => Promise<{ url: string; close(): Promise<void> }>,
  options: Pick<EmbeddedCliOptions, 'dataDir'> & Partial<Pick<EmbeddedCliOptions, 'exitWithParent'>>,
): Promise<void> {
  const { dataDir } = options;
  let server: { url: string; close(): Promise<void> };
  try {
    server = await start();
  } catch (error) {
    console.error(`${name} failed to start: ${(error as Error).message}`);
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
  if (options.exitWithParent) {
    // An orphan is adopted by another process: its parent id changes.
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && stop('parent exit'), 500).unref();
  }
}
