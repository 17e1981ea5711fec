import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedProcess, spawnEmbeddedServer } from '../src/embedded/embedded-process';

export interface BenchStores {
  eventStore: EmbeddedProcess;
  mongo: EmbeddedProcess;
  stop(): Promise<void>;
}

/**
 * The embedded servers as a deployment runs them: each in its own process, data on disk in a
 * directory of their own, removed when they stop.
 */
export async function spawnStores(name: string): Promise<BenchStores> {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const root = join(__dirname, '../src/embedded');
  const data = (store: string) => ['--port', '0', '--data', join(dataDir, store)];
  const eventStore = await spawnEmbeddedServer(join(root, 'eventstore/cli.js'), data('es'));
  const mongo = await spawnEmbeddedServer(join(root, 'mongodb/cli.js'), data('mongo'));
  return {
    eventStore,
    mongo,
    async stop() {
      await eventStore.stop();
      await mongo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
