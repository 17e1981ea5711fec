import { parseEmbeddedCliOptions, serveUntilSignalled } from '../cli-options';
import { startEventStoreServer } from './eventstore-server';

function main(): void {
  let options;
  try {
    options = parseEmbeddedCliOptions(process.argv.slice(2), { port: 2113, dataDir: './data/eventstore' });
  } catch (error) {
    console.error((error as Error).message);
    console.error('usage: npm run eventstore -- [--port 2113] [--data ./data/eventstore | --memory]');
    process.exit(2);
  }
  const { port, dataDir } = options;
  void serveUntilSignalled('eventstore', () => startEventStoreServer({ port, dataDir }), options);
}

main();
