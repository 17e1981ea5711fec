import { join } from 'node:path';
import { EmbeddedProcess, spawnEmbeddedServer } from '../../src/embedded/embedded-process';

/** The built CLI: `npm test` builds first. */
const CLI = join(__dirname, '../../dist/src/embedded/eventstore/cli.js');

export const spawnEventStore = (dataDir: string): Promise<EmbeddedProcess> =>
  spawnEmbeddedServer(CLI, ['--port', '0', '--data', dataDir]);
