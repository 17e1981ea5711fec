import { join } from 'node:path';
import { serveUntilSignalled } from './embedded/cli-options';
import { startEventStoreServer } from './embedded/eventstore/eventstore-server';

/** Starts the embedded event store on its default port, with data under DATA_DIR (./data). */
function main(): void {
  const dataDir = join(process.env.DATA_DIR ?? 'data', 'eventstore');
  void serveUntilSignalled('eventstore', () => startEventStoreServer({ port: 2113, dataDir }), dataDir);
}

main();
