import { benchApp } from './app.bench';
import { benchEventStore } from './eventstore.bench';
import { benchMongo } from './mongodb.bench';

/** Every benchmark, one after the other, each printing its own figures. */
async function main(): Promise<void> {
  await benchEventStore();
  await benchMongo();
  await benchApp();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
