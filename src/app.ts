import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventStoreDBClient } from '@eventstore/db-client';
import { MongoClient } from 'mongodb';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { ConfigWithSecrets } from './config/secrets';
import { redirectBrowsersToPlayground } from './graphql/playground.controller';
import { QUERY_LIMITS } from './graphql/query-limits';
import { LoggerOption, rootLoggerFor, useAppLogger, withLogging } from './observability/logging/app-logging';
import { observeRequests } from './observability/logging/request-logging';
import { startTracing } from './observability/tracing/tracing';

export interface RunningApp {
  /** Base URL of the HTTP server: GraphQL (not on the worker role), health and metrics. */
  url: string;
  /** The Nest application's providers, for tests and embedders that reach into it. */
  get: INestApplicationContext['get'];
  close(): Promise<void>;
}

/**
 * Starts the application against the event store and MongoDB the configuration names. Closing
 * stops the subscriptions (storing their checkpoints) before the connections go.
 */
export async function startApp(
  config: ConfigWithSecrets & { eventStoreUrl: string; mongoUrl: string },
  options: { logger?: LoggerOption } = {},
): Promise<RunningApp> {
  const logger = rootLoggerFor(config, options.logger);
  const client = EventStoreDBClient.connectionString(config.eventStoreUrl);
  let mongo: MongoClient;
  try {
    // Command monitoring feeds the MongoDB round-trip metrics.
    mongo = await MongoClient.connect(config.mongoUrl, { monitorCommands: true });
  } catch (error) {
    await client.dispose();
    throw error;
  }
  const db = mongo.db(config.mongoDatabase);
  const tracing = startTracing(config);
  const closeConnections = async () => {
    await client.dispose();
    await mongo.close();
  };
  try {
    const module = withLogging(AppModule.forRoot({ config, client, db }), logger);
    const app = await NestFactory.create<NestFastifyApplication>(
      module,
      new FastifyAdapter(httpOptions(config)),
      {
        bufferLogs: true,
      },
    );
    useAppLogger(app);
    observeRequests(app.getHttpAdapter().getInstance(), logger);
    if (config.playground && config.role !== 'worker')
      redirectBrowsersToPlayground(app.getHttpAdapter().getInstance());
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    return {
      url: `http://${reachable(config.host)}:${port}`,
      get: app.get.bind(app),
      // Queued spans are sent whatever became of the rest.
      close: once(() => app.close().then(closeConnections).finally(tracing.shutdown)),
    };
  } catch (error) {
    await closeConnections();
    await tracing.shutdown();
    throw error;
  }
}

/**
 * Bounded requests: a body over the limit is refused, and a client has `requestTimeoutMs` to send a
 * whole request (headers within the same bound), so slow trickles cannot hold connections open.
 * Node checks the bound at `connectionsCheckingInterval`, so a trickle is cut within twice it.
 */
function httpOptions(config: AppConfig) {
  const timeout = config.requestTimeoutMs;
  return {
    bodyLimit: QUERY_LIMITS.maxBodyBytes,
    // Only the entries the proxies themselves appended: any further left the client wrote.
    trustProxy: config.trustProxy,
    requestTimeout: timeout,
    // Stopping drops every connection, idle or mid-request, so a slow client cannot hold it up.
    forceCloseConnections: true,
    http: {
      requestTimeout: timeout,
      headersTimeout: Math.min(timeout, 60_000),
      connectionsCheckingInterval: Math.min(timeout, 1000),
    },
  };
}

/** Where a client on this host reaches a server listening on `host`. */
const reachable = (host: string): string => {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
};

const once = (close: () => Promise<void>): (() => Promise<void>) => {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
};
