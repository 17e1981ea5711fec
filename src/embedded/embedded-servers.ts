import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { EmbeddedProcess, spawnEmbeddedServer } from './embedded-process';

export interface StoreUrls {
  eventStoreUrl: string;
  mongoUrl: string;
  /** Stops the embedded servers this call started. */
  stop(): Promise<void>;
}

/**
 * The stores the app should use: the configured URLs, or embedded servers started for it, each
 * in its own process (so they never share the app's event loop) that exits with the app.
 */
export async function provideStores(config: AppConfig, log: (line: string) => void): Promise<StoreUrls> {
  const started: EmbeddedProcess[] = [];
  const start = async (name: string, port: number) => {
    const dataDir = join(config.dataDir, name);
    const cli = join(__dirname, name, 'cli.js');
    const server = await spawnEmbeddedServer(cli, [
      '--port',
      String(port),
      '--data',
      dataDir,
      '--exit-with-parent',
    ]);
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
