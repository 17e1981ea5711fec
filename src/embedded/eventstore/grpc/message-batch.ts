import type { ServerHttp2Stream } from 'node:http2';
import { Metadata } from '@grpc/grpc-js';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { drained, firstOf } from './backpressure';
import { http2StreamOf } from './complete-requests';
import { GRPC_PREFIX_BYTES } from './read-event-encoder';

type WritableCall = ServerWritableStream<unknown, unknown>;

/** What is gathered before it is written: a DATA frame of the largest size every client accepts. */
const BATCH_BYTES = 16 * 1024;

/**
 * Messages of a server-streaming call, written many at a time. grpc-js hands a call's messages to
 * HTTP/2 one by one, each once the previous one has left, so a long read leaves one message per
 * DATA frame and per turn of the event loop, and the frames cost both ends more than the events
 * they carry. Here messages are framed as grpc-js frames them (a flag byte, 0 as nothing is
 * compressed, and a big-endian uint32 length) and written to the call's HTTP/2 stream together.
 *
 * The bytes on the wire are those grpc-js would send, in the same order, provided grpc-js holds
 * none of the call's messages while a batch is in use: a batch is written straight to the stream,
 * past grpc-js's own queue. Server interceptors do not see its messages (none acts on them).
 * When the HTTP/2 stream cannot be found, every message goes through `call.write` as before.
 */
export class MessageBatch {
  private readonly stream: ServerHttp2Stream | undefined;
  private parts: Buffer[] = [];
  private bytes = 0;
  /** Without the stream: whether every `call.write` since the last flush left room for more. */
  private writable = true;
  private headersSent = false;

  constructor(private readonly call: WritableCall) {
    this.stream = http2StreamUnder(call);
  }

  /**
   * False once the client is gone: the stream takes nothing more, and callers stop reading. (Through
   * grpc-js, writes to a call that is gone never finish, and a writer ends up waiting for the end.)
   */
  get open(): boolean {
    return !this.stream || !(this.stream.destroyed || this.stream.closed || this.call.cancelled);
  }

  /** True once the batch should be flushed before more is added. */
  get full(): boolean {
    return this.stream ? this.bytes >= BATCH_BYTES : !this.writable;
  }

  add(message: Buffer): void {
    if (!this.stream) {
      this.writable = this.call.write(message) && this.writable;
      return;
    }
    const prefix = Buffer.allocUnsafe(GRPC_PREFIX_BYTES);
    prefix[0] = 0;
    prefix.writeUInt32BE(message.length, 1);
    this.parts.push(prefix, message);
    this.bytes += prefix.length + message.length;
  }

  /** A message that starts with its gRPC prefix already (see `encodeReadEvent`). */
  addFramed(frame: Buffer): void {
    if (!this.stream) {
      this.writable = this.call.write(frame.subarray(GRPC_PREFIX_BYTES)) && this.writable;
      return;
    }
    this.parts.push(frame);
    this.bytes += frame.length;
  }

  /** Writes what was added; false when the client needs time to take it (see `flushed`). */
  write(): boolean {
    if (!this.stream) {
      const writable = this.writable;
      this.writable = true;
      return writable;
    }
    if (this.bytes === 0) return true;
    const bytes = Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    if (this.stream.destroyed || this.stream.closed) return true;
    if (!this.headersSent) {
      // As grpc-js does before a call's first message: the response headers, through the interceptors.
      this.call.sendMetadata(new Metadata());
      this.headersSent = true;
    }
    return this.stream.write(bytes);
  }

  /** Writes what was added, then waits while the client is slower than the server. */
  async flushed(): Promise<void> {
    if (this.write()) return;
    await (this.stream ? streamDrained(this.stream, this.call) : drained(this.call));
  }
}

/**
 * The HTTP/2 stream under a call as its handler is given it: the handler's call wraps the first
 * interceptor's, and each interceptor's wraps the next one's, down to grpc-js's own call, which
 * holds the stream. These are fields grpc-js does not export (`@grpc/grpc-js` is pinned); when
 * they are not as expected, there is no stream and messages go through grpc-js.
 */
function http2StreamUnder(call: WritableCall): ServerHttp2Stream | undefined {
  let current: unknown = (call as unknown as { call?: unknown }).call;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const stream = http2StreamOf(current as Parameters<typeof http2StreamOf>[0]);
    if (stream) return stream;
    current = (current as { nextCall?: unknown }).nextCall;
  }
  return undefined;
}

/** Resolves once the stream can take more, or once it or the call is gone. */
function streamDrained(stream: ServerHttp2Stream, call: WritableCall): Promise<void> {
  if (stream.destroyed || stream.closed || call.cancelled) return Promise.resolve();
  return firstOf([stream, ['drain', 'close', 'error']], [call, ['cancelled']]);
}
