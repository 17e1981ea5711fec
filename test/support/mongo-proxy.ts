import { connect, createServer, Socket } from 'node:net';
import { Document } from 'bson';
import { FrameReader, parseFrame } from '../../src/embedded/mongodb/wire-protocol';

/** Frames longer than this (bulk writes, mostly) are passed on without being read. */
const INSPECTED_UP_TO = 16 * 1024;

export interface MongoProxyOptions {
  /** Only commands whose frame holds one of these strings are read and shown to `inspect`. */
  markers: string[];
  /**
   * Sees each such command before it is passed on, the connection's later frames waiting
   * meanwhile. True cuts the proxy there: the command is never sent (see `cut`).
   */
  inspect(command: Document): boolean | Promise<boolean>;
}

export interface MongoProxy {
  /** A connection string for `MongoClient` through the proxy. */
  url: string;
  /**
   * Drops every connection at once and refuses new ones until `reopen`: nothing the client sends
   * from then on reaches the server, as if the process had died at this instant.
   */
  cut(): void;
  reopen(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a MongoDB server that reads the commands going through it, so that a
 * test can stop a client at an exact step of what it does (replies are passed on as they are).
 */
export async function startMongoProxy(targetUrl: string, options: MongoProxyOptions): Promise<MongoProxy> {
  const url = new URL(targetUrl);
  const targetHost = url.hostname;
  const targetPort = Number(url.port || 27017);
  const markers = options.markers.map((marker) => Buffer.from(marker));
  const sockets = new Set<Socket>();
  let open = true;

  const server = createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => socket.destroy());
    }
    upstream.pipe(client);
    const reader = new FrameReader();
    // Frames go on in the order they came, each once the one before it was let through.
    let queue = Promise.resolve();
    client.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch {
        return void client.destroy();
      }
      for (const frame of frames) {
        queue = queue.then(async () => {
          if (!open || upstream.destroyed) return;
          if (await stops(frame)) return proxy.cut();
          if (open && !upstream.destroyed) upstream.write(frame);
        });
      }
    });
  });

  const stops = async (frame: Buffer): Promise<boolean> => {
    if (frame.length > INSPECTED_UP_TO || !markers.some((marker) => frame.includes(marker))) return false;
    let command: Document;
    try {
      command = parseFrame(frame).command;
    } catch {
      return false;
    }
    try {
      return await options.inspect(command);
    } catch {
      return false;
    }
  };

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });

  // The target's credentials and options, through the proxy.
  url.host = `127.0.0.1:${port}`;
  url.searchParams.set('directConnection', 'true');
  const proxy: MongoProxy = {
    url: url.toString(),
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    reopen() {
      open = true;
    },
    close() {
      proxy.cut();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
