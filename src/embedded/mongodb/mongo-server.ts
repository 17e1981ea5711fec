import { createServer, Socket } from 'node:net';
import { Document } from 'bson';
import { adminCommands } from './commands/admin';
import { handshakeCommands } from './commands/handshake';
import { queryCommands } from './commands/query';
import { writeCommands } from './commands/write';
import { CommandContext, CommandHandler } from './command-context';
import { Cursors } from './cursors';
import { Databases } from './database';
import { errors, MongoError } from './errors';
import { Storage } from './storage';
import { encodeReply, FrameReader, MalformedMessage, parseFrame } from './wire-protocol';

export interface MongoServerOptions {
  /** 0 picks a free port. Default 27017. */
  port?: number;
  host?: string;
  /** Where data is kept; in memory when absent. */
  dataDir?: string;
}

export interface EmbeddedMongoServer {
  /** A connection string for `MongoClient`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const COMMANDS: Record<string, CommandHandler> = {
  ...handshakeCommands,
  ...queryCommands,
  ...writeCommands,
  ...adminCommands,
};

/** Runs one command; every failure becomes MongoDB's error reply, never a crash. */
function execute(command: Document, context: CommandContext): Document {
  const name = Object.keys(command)[0] ?? '';
  const handler = Object.hasOwn(COMMANDS, name.toLowerCase()) ? COMMANDS[name.toLowerCase()] : undefined;
  try {
    if (!handler) throw errors.commandNotFound(name);
    const reply = handler(command, context);
    context.databases.storage.write(context.changes);
    return reply;
  } catch (error) {
    // A failed command keeps what it did before failing, as MongoDB does for ordered writes.
    context.databases.storage.write(context.changes);
    const mongoError =
      error instanceof MongoError ? error : new MongoError(1, 'InternalError', String(error));
    return {
      ok: 0,
      errmsg: mongoError.message,
      code: mongoError.code,
      codeName: mongoError.codeName,
      ...mongoError.info,
    };
  }
}

export async function startMongoServer(options: MongoServerOptions = {}): Promise<EmbeddedMongoServer> {
  const host = options.host ?? '127.0.0.1';
  const storage = new Storage(options.dataDir);
  const databases = new Databases(storage);
  const cursors = new Cursors();
  const sockets = new Set<Socket>();
  let connections = 0;

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    const connectionId = ++connections;
    const reader = new FrameReader();
    socket.on('data', (chunk) => {
      try {
        for (const frame of reader.push(chunk)) {
          const request = parseFrame(frame);
          const db = typeof request.command.$db === 'string' ? request.command.$db : 'admin';
          const reply = execute(request.command, { db, databases, cursors, connectionId, changes: [] });
          if (!request.noReply) socket.write(encodeReply(request, reply));
        }
      } catch (error) {
        // A malformed frame, or a reply that cannot be encoded: only this connection ends.
        if (!(error instanceof MalformedMessage)) console.error(`mongodb connection ${connectionId}:`, error);
        socket.destroy();
      }
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 27017, host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  }).catch((error) => {
    storage.close();
    throw error;
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }).then(() => {
      cursors.close();
      storage.close();
    }));

  return { url: `mongodb://${host}:${port}/?directConnection=true`, port, close };
}
