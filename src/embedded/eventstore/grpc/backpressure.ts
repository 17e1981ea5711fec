import type { EventEmitter } from 'node:events';
import type { ServerWritableStream } from '@grpc/grpc-js';

type WritableCall = ServerWritableStream<unknown, unknown>;

/** Resolves at the first of the given events on any of the emitters, and stops listening to all. */
export function firstOf(...sources: [EventEmitter, string[]][]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const [emitter, events] of sources) for (const event of events) emitter.off(event, done);
      resolve();
    };
    for (const [emitter, events] of sources) for (const event of events) emitter.on(event, done);
  });
}

/** Resolves once the call can take more, or once it is gone, so no writer waits forever. */
export function drained(call: WritableCall): Promise<void> {
  if (call.cancelled || call.destroyed) return Promise.resolve();
  return firstOf([call, ['drain', 'cancelled', 'close']]);
}

/** Writes one message, waiting while the client is slower than the server. */
export async function send<T>(call: ServerWritableStream<unknown, T>, message: T): Promise<void> {
  if (!call.write(message)) await drained(call as WritableCall);
}
