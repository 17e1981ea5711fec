import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { EmbeddedWorker, startEmbeddedWorker } from './embedded-worker';

export interface StoreUrls {
  eventStoreUrl: string;
  mongoUrl: string;
  /** Stops the embedded servers this call started. */
  stop(): Promise<void>;
}

/**
 * The stores the app should use: the configured URLs, or embedded servers started for it, each
 * in a worker thread: its own event loop, and gone with the app's process whatever happens.
 * (Measured against child processes by `bench/embedding.bench.ts`; threads served more.)
 */
export async function provideStores(config: AppConfig, log: (line: string) => void): Promise<StoreUrls> {
  const started: EmbeddedWorker[] = [];
  const start = async (name: string, port: number) => {
    const dataDir = join(config.dataDir, name);
    const cli = join(__dirname, name, 'cli.js');
    const variable = `EMBEDDED_${name.toUpperCase()}_PORT`;
    const server = await startEmbeddedWorker(cli, ['--port', String(port), '--data', dataDir]).catch(() => {
      throw new Error(`The embedded ${name} could not start on port ${port}: is it in use? Set ${variable}.`);
    });
    started.push(server);
    log(`embedded ${name} ${server.url} (data in ${dataDir})`);
    return server.url;
  };
  try {
    const eventStoreUrl = config.eventStoreUrl ?? (await start('eventstore', config.embeddedEventStorePort));
    const mongoUrl = config.mongoUrl ?? (await start('mongodb', config.embeddedMongoPort));
    return {
      eventStoreUrl,
      mongoUrl,
      stop: () => Promise.all(started.map((s) => s.stop())).then(() => undefined),
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
}
