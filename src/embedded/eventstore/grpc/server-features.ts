import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';

/** The server version the embedded store behaves like, for clients that switch on it. */
export const EMULATED_SERVER_VERSION = '24.10.0';

const STREAMS = 'event_store.client.streams.streams';
const METHODS: [service: string, method: string][] = [
  [STREAMS, 'read'],
  [STREAMS, 'append'],
  [STREAMS, 'batchappend'],
  [STREAMS, 'delete'],
  [STREAMS, 'tombstone'],
  ['event_store.client.server_features.serverfeatures', 'getsupportedmethods'],
];

export function getSupportedMethods(
  _call: ServerUnaryCall<Empty, SupportedMethods>,
  callback: sendUnaryData<SupportedMethods>,
): void {
  const methods = METHODS.map(([service, method]) =>
    new SupportedMethod().setServiceName(service).setMethodName(method),
  );
  callback(
    null,
    new SupportedMethods().setMethodsList(methods).setEventStoreServerVersion(EMULATED_SERVER_VERSION),
  );
}
