import { once } from 'node:events';
import http2 from 'node:http2';
import net from 'node:net';
import { Empty } from '@eventstore/db-client/generated/shared_pb';

/**
 * gRPC spoken by hand over node:http2, for what a well-behaved client never sends: calls cut off
 * in the middle, truncated frames, undecodable messages.
 */

interface Serializable {
  serializeBinary(): Uint8Array;
}

/** The host:port of an `esdb://host:port?tls=false` connection string. */
export const addressOf = (url: string): string => new URL(url.replace(/^esdb(\+discover)?:/, 'http:')).host;

/** One length-prefixed message: compressed flag (0), uint32 length, bytes. */
export function grpcFrame(message: Serializable | Buffer): Buffer {
  const body = Buffer.isBuffer(message) ? message : Buffer.from(message.serializeBinary());
  const header = Buffer.alloc(5);
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

/** A frame whose length prefix announces more bytes than follow it. */
export function truncatedFrame(message: Serializable, missing = 1): Buffer {
  const whole = grpcFrame(message);
  return whole.subarray(0, whole.length - missing);
}

export interface RawCall {
  stream: http2.ClientHttp2Stream;
  /** The call's outcome: grpc-status (from trailers or trailers-only headers) and messages. */
  outcome: Promise<RawOutcome>;
}

export interface RawOutcome {
  /** undefined when the call ended without a status (reset or connection lost). */
  status?: number;
  message?: string;
  messages: Buffer[];
}

export interface RawConnection {
  session: http2.ClientHttp2Session;
  socket: net.Socket;
  call(method: string): RawCall;
  /**
   * A unary call answered on this connection. Frames are handled in order, so once it is
   * answered the server has received everything sent before it on the connection.
   */
  roundTrip(): Promise<void>;
  close(): void;
}

export async function connectRaw(url: string): Promise<RawConnection> {
  const [host, port] = addressOf(url).split(':');
  const socket = net.connect(Number(port), host);
  await once(socket, 'connect');
  const session = http2
    .connect(`http://${addressOf(url)}`, { createConnection: () => socket })
    .on('error', () => undefined);

  const call = (method: string): RawCall => {
    const stream = session.request({
      ':method': 'POST',
      ':path': method,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    stream.on('error', () => undefined);
    const outcome = new Promise<RawOutcome>((resolve) => {
      const result: RawOutcome = { messages: [] };
      let pending = Buffer.alloc(0);
      const readStatus = (headers: http2.IncomingHttpHeaders) => {
        if (headers['grpc-status'] === undefined) return;
        result.status = Number(headers['grpc-status']);
        result.message = decodeURIComponent(String(headers['grpc-message'] ?? ''));
      };
      stream.on('response', readStatus);
      stream.on('trailers', readStatus);
      stream.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
          const length = pending.readUInt32BE(1);
          result.messages.push(pending.subarray(5, 5 + length));
          pending = pending.subarray(5 + length);
        }
      });
      stream.on('close', () => resolve(result));
    });
    return { stream, outcome };
  };

  return {
    session,
    socket,
    call,
    async roundTrip() {
      const probe = call('/event_store.client.server_features.ServerFeatures/GetSupportedMethods');
      probe.stream.end(grpcFrame(new Empty()));
      await probe.outcome;
    },
    close() {
      session.destroy();
      socket.destroy();
    },
  };
}

/**
 * Waits until the server has dealt with whatever came before: a unary call over a brand-new
 * connection takes several round trips, all served after earlier events on other sockets.
 */
export async function settle(url: string): Promise<void> {
  const connection = await connectRaw(url);
  try {
    await connection.roundTrip();
  } finally {
    connection.close();
  }
}
