import { runEmbeddedCli } from '../cli-options';
import { startMongoServer } from './mongo-server';

runEmbeddedCli('mongodb', { port: 27017, dataDir: './data/mongodb' }, startMongoServer);
