import { parseEmbeddedCliOptions, serveUntilSignalled } from '../cli-options';
import { startMongoServer } from './mongo-server';

function main(): void {
  let options;
  try {
    options = parseEmbeddedCliOptions(process.argv.slice(2), { port: 27017, dataDir: './data/mongodb' });
  } catch (error) {
    console.error((error as Error).message);
    console.error('usage: npm run mongodb -- [--port 27017] [--data ./data/mongodb | --memory]');
    process.exit(2);
  }
  const { port, dataDir } = options;
  void serveUntilSignalled('mongodb', () => startMongoServer({ port, dataDir }), options);
}

main();
