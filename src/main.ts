import { startApp } from './app';
import { ConfigError, loadConfig } from './config/app-config';
import { provideStores } from './embedded/embedded-servers';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const log = (line: string) => console.log(line);
  const stores = await provideStores(config, log);
  let app;
  try {
    app = await startApp({ ...config, ...stores });
  } catch (error) {
    await stores.stop();
    throw error;
  }
  if (app.url) {
    log(`GraphQL API:  ${app.url}/graphql`);
    if (config.playground) log(`Playground:   ${app.url}/graphiql`);
  } else {
    log('Worker running: projections are being kept up to date');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, shutting down`);
    await app.close();
    await stores.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
