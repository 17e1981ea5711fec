import { Server, ServerCredentials } from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { EventLog } from './event-log';
import { appendHandler, batchAppendHandler } from './grpc/append';
import { completeRequests } from './grpc/complete-requests';
import { deleteHandler, tombstoneHandler } from './grpc/delete';
import { readHandler } from './grpc/read';
import { getSupportedMethods } from './grpc/server-features';
import { streamsService } from './grpc/streams-service';

export interface EventStoreServerOptions {
  /** 0 picks a free port. Default 2113. */
  port?: number;
  host?: string;
  /** Where the log is kept; in memory when absent. */
  dataDir?: string;
}

export interface EmbeddedEventStore {
  /** A connection string for `EventStoreDBClient.connectionString`. */
  url: string;
  port: number;
  /** Subscriptions currently open against this server. */
  activeSubscriptions(): number;
  close(): Promise<void>;
}

/** Room for one maximum-size append plus its framing. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export async function startEventStoreServer(
  options: EventStoreServerOptions = {},
): Promise<EmbeddedEventStore> {
  const host = options.host ?? '127.0.0.1';
  const log = new EventLog(options.dataDir);
  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    // First, so that it sees grpc-js's own call and the HTTP/2 stream under it.
    interceptors: [completeRequests],
  });
  server.addService(streamsService, {
    read: readHandler(log),
    append: appendHandler(log),
    batchAppend: batchAppendHandler(log),
    delete: deleteHandler(log),
    tombstone: tombstoneHandler(log),
  });
  server.addService(ServerFeaturesService, { getSupportedMethods });

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(
        `${host}:${options.port ?? 2113}`,
        ServerCredentials.createInsecure(),
        (error, bound) => (error ? reject(error) : resolve(bound)),
      ),
    );
  } catch (error) {
    log.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.tryShutdown(() => resolve());
      // Open subscriptions never end by themselves, so a graceful shutdown is given a moment only.
      setTimeout(() => server.forceShutdown(), 1000).unref();
    }).then(() => log.close()));

  return {
    url: `esdb://${host}:${port}?tls=false`,
    port,
    activeSubscriptions: () => log.listenerCount,
    close,
  };
}
