import { benchApp } from './app.bench';
import { benchAudit } from './audit.bench';
import { benchEmbedding } from './embedding.bench';
import { benchGraphQLDriver } from './graphql-driver.bench';
import { benchEventStore } from './eventstore.bench';
import { benchMongo } from './mongodb.bench';
import { benchOrdering } from './ordering.bench';
import { benchProjectionRebuild } from './projection-rebuild.bench';

/** Every benchmark, one after the other, each printing its own figures. */
async function main(): Promise<void> {
  await benchEventStore();
  await benchMongo();
  await benchApp();
  await benchOrdering();
  await benchEmbedding();
  await benchGraphQLDriver();
  await benchProjectionRebuild();
  await benchAudit();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
