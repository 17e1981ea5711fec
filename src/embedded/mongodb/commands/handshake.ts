import { Document } from 'bson';
import { CommandHandler } from '../command-context';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE } from '../wire-protocol';

/** The server version whose behaviour the embedded server follows. */
export const EMULATED_VERSION = '7.0.0';

const hello: CommandHandler = (_command, context) => ({
  helloOk: true,
  isWritablePrimary: true,
  ismaster: true,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  maxMessageSizeBytes: MAX_MESSAGE_SIZE,
  maxWriteBatchSize: 100_000,
  localTime: new Date(),
  logicalSessionTimeoutMinutes: 30,
  connectionId: context.connectionId,
  minWireVersion: 0,
  maxWireVersion: 21,
  readOnly: false,
  ok: 1,
});

const ok: CommandHandler = () => ({ ok: 1 });

export const handshakeCommands: Record<string, CommandHandler> = {
  hello,
  ismaster: hello,
  ping: ok,
  endsessions: ok,
  killallsessions: ok,
  buildinfo: () => ({
    version: EMULATED_VERSION,
    versionArray: EMULATED_VERSION.split('.').map(Number).concat(0),
    bits: 64,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    ok: 1,
  }),
  getparameter: (command: Document) => ({
    ...(command.featureCompatibilityVersion ? { featureCompatibilityVersion: { version: '7.0' } } : {}),
    ok: 1,
  }),
  connectionstatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  hostinfo: () => ({ system: { currentTime: new Date() }, ok: 1 }),
};
