import type { ServerWritableStream } from '@grpc/grpc-js';

type WritableCall = ServerWritableStream<unknown, unknown>;

/** Resolves once the call can take more, or once it is gone, so no writer waits forever. */
export function drained(call: WritableCall): Promise<void> {
  if (call.cancelled || call.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      call.off('close', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
    call.on('close', done);
  });
}

/** Writes one message, waiting while the client is slower than the server. */
export async function send<T>(call: ServerWritableStream<unknown, T>, message: T): Promise<void> {
  if (!call.write(message)) await drained(call as WritableCall);
}
