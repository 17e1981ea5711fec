import type { Http2Session, ServerHttp2Stream } from 'node:http2';
import { ServerInterceptingCall, ServerListenerBuilder, status as GrpcStatus } from '@grpc/grpc-js';
import type { ServerInterceptingCallInterface, ServerInterceptor } from '@grpc/grpc-js';

/**
 * Makes a streamed request count only when the client really finished it.
 *
 * @grpc/grpc-js turns the end of the HTTP/2 request stream into a half-close whatever ended it:
 * a client's END_STREAM, but also a RST_STREAM or a session torn down, and it drops a trailing
 * partial message silently. A Node client cancelling a call even sends END_STREAM and RST_STREAM
 * back to back. This interceptor, installed first so that it sees grpc-js's own call, watches
 * the HTTP/2 stream beneath each call with a streamed request and:
 *
 * - passes no message and no half-close on once the stream is closed or destroyed (reset by the
 *   client, session or connection gone);
 * - answers INTERNAL "Incomplete message." (as grpc-dotnet, hence EventStoreDB, does) to a
 *   half-close that cuts a message short, instead of passing the half-close on;
 * - for a client-streaming call (Append), passes the half-close on only once the client has
 *   answered an HTTP/2 PING sent after it, and only if the stream is still open then. Frames
 *   arrive in the order the client sent them, so a reset the client sent before it could see
 *   the PING arrives before the PING's acknowledgement: a call the client cancelled is never
 *   acted on, whatever the timing.
 */
export const completeRequests: ServerInterceptor = (method, call) => {
  if (!method.requestStream) return new ServerInterceptingCall(call);
  const stream = http2StreamOf(call);
  if (!stream) {
    // Without the transport, a cut-off request cannot be told from a finished one: refuse.
    const refuse = new ServerListenerBuilder()
      .withOnReceiveMetadata(() =>
        call.sendStatus({ code: GrpcStatus.INTERNAL, details: 'Streamed requests are not available.' }),
      )
      .build();
    return new ServerInterceptingCall(call, { start: (next) => next(refuse) });
  }

  const framing = new FrameBoundary();
  stream.on('data', (chunk: Buffer) => framing.feed(chunk));
  const open = () => !stream.closed && !stream.destroyed;

  const listener = new ServerListenerBuilder()
    .withOnReceiveMessage((message, next) => {
      if (open()) next(message);
    })
    .withOnReceiveHalfClose((next) => {
      if (!open()) return;
      if (!framing.atBoundary) {
        call.sendStatus({ code: GrpcStatus.INTERNAL, details: 'Incomplete message.' });
        return;
      }
      if (method.responseStream) {
        next();
        return;
      }
      void pingBarrierOf(stream.session)
        .passed()
        .then(() => {
          if (open()) next();
        });
    })
    .build();
  return new ServerInterceptingCall(call, { start: (next) => next(listener) });
};

/**
 * The HTTP/2 stream under grpc-js's own call object. grpc-js keeps it in a field it does not
 * export (`@grpc/grpc-js` is pinned); anything else is reported as unavailable.
 */
export function http2StreamOf(call: ServerInterceptingCallInterface): ServerHttp2Stream | undefined {
  const stream = (call as unknown as { stream?: Partial<ServerHttp2Stream> }).stream;
  const looksRight =
    typeof stream === 'object' &&
    stream !== null &&
    typeof stream.on === 'function' &&
    typeof stream.respond === 'function' &&
    typeof stream.closed === 'boolean' &&
    typeof stream.session === 'object';
  return looksRight ? (stream as ServerHttp2Stream) : undefined;
}

/** Follows gRPC's length-prefixed framing (flag byte, uint32 length) across DATA chunks. */
class FrameBoundary {
  private readonly header = Buffer.alloc(5);
  private headerBytes = 0;
  private bodyBytesLeft = 0;

  /** True when the bytes so far end exactly where a message ends. */
  get atBoundary(): boolean {
    return this.headerBytes === 0 && this.bodyBytesLeft === 0;
  }

  feed(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bodyBytesLeft > 0) {
        const taken = Math.min(this.bodyBytesLeft, chunk.length - offset);
        this.bodyBytesLeft -= taken;
        offset += taken;
        continue;
      }
      const taken = Math.min(5 - this.headerBytes, chunk.length - offset);
      chunk.copy(this.header, this.headerBytes, offset, offset + taken);
      this.headerBytes += taken;
      offset += taken;
      if (this.headerBytes === 5) {
        this.headerBytes = 0;
        this.bodyBytesLeft = this.header.readUInt32BE(1);
      }
    }
  }
}

const barriers = new WeakMap<Http2Session, PingBarrier>();

function pingBarrierOf(session: Http2Session | undefined): PingBarrier {
  if (!session) return NO_SESSION;
  let barrier = barriers.get(session);
  if (!barrier) barriers.set(session, (barrier = new PingBarrier(session)));
  return barrier;
}

/**
 * One PING in flight per connection at most: callers share the PING sent after they asked, so a
 * burst of appends costs one round trip, not one each.
 */
class PingBarrier {
  private inFlight?: Promise<void>;
  private queued?: Promise<void>;

  constructor(private readonly session?: Http2Session) {}

  /** Resolves once the client acknowledged a PING sent after this call, or cannot anymore. */
  passed(): Promise<void> {
    if (!this.inFlight) return (this.inFlight = this.ping());
    // The PING on the wire may have left before this caller's frames arrived: wait for the next.
    return (this.queued ??= this.inFlight.then(() => {
      this.queued = undefined;
      return (this.inFlight = this.ping());
    }));
  }

  private ping(): Promise<void> {
    const acknowledged: Promise<void> = new Promise<void>((resolve) => {
      try {
        // An error (session closing) resolves too: the caller checks its stream afterwards.
        if (!this.session?.ping(() => resolve())) resolve();
      } catch {
        resolve();
      }
    }).then(() => {
      if (this.inFlight === acknowledged) this.inFlight = undefined;
    });
    return acknowledged;
  }
}

const NO_SESSION = new PingBarrier();
