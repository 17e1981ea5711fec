import { runEmbeddedCli } from '../cli-options';
import { startEventStoreServer } from './eventstore-server';

runEmbeddedCli('eventstore', { port: 2113, dataDir: './data/eventstore' }, startEventStoreServer);
