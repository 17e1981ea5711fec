import { startApp } from './app';
import { ConfigError, loadConfig } from './config/app-config';
import { withSecrets } from './config/secrets';
import { provideStores } from './embedded/embedded-servers';
import { ConsumerLeases } from './eventsourcing/subscriptions/consumer-leases';
import { createRootLogger } from './observability/logging/root-logger';

const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = createRootLogger({ level: config.logLevel, format: config.logFormat });
  const log = (line: string) => logger.info(line);
  const stores = await provideStores(config, log);
  let app;
  try {
    app = await startApp({ ...(await withSecrets(config)), ...stores }, { logger });
  } catch (error) {
    await stores.stop();
    throw error;
  }
  if (config.role !== 'worker') {
    log(`GraphQL API:  ${app.url}/graphql`);
    if (config.playground) log(`Playground:   ${app.url}/graphiql`);
  } else {
    // The id under which this process holds consumers in `consumer_leases`.
    log(`Worker running as ${app.get(ConsumerLeases).holder}: projections are being kept up to date`);
  }
  log(`Health:       ${app.url}/health/live, ${app.url}/health/ready`);
  log(`Metrics:      ${app.url}/metrics`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, shutting down`);
    // Checkpoints and stores get a bounded time to close; a replay after a hard stop is harmless.
    const deadline = setTimeout(() => {
      logger.error(`Shutdown took over ${SHUTDOWN_TIMEOUT_MS / 1000} s; stopping now.`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    await app.close();
    await stores.stop();
    clearTimeout(deadline);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
