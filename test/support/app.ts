import { randomBytes, randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { MongoClient } from 'mongodb';
import { RunningApp, startApp } from '../../src/app';
import { loadConfig } from '../../src/config/app-config';
import { ConfigWithSecrets } from '../../src/config/secrets';
import { startEventStoreServer } from '../../src/embedded/eventstore/eventstore-server';
import { startMongoServer } from '../../src/embedded/mongodb/mongo-server';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

export interface TestStores {
  eventStoreUrl: string;
  mongoUrl: string;
  mongoDatabase: string;
  close(): Promise<void>;
}

/** EVENTSTORE_URL / MONGODB_URL when set, else fresh in-memory embedded servers; a database of its own. */
export async function openStores(): Promise<TestStores> {
  const eventStore = process.env.EVENTSTORE_URL ? undefined : await startEventStoreServer({ port: 0 });
  const mongo = process.env.MONGODB_URL ? undefined : await startMongoServer({ port: 0 });
  const mongoDatabase = `test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const mongoUrl = process.env.MONGODB_URL ?? mongo!.url;
  return {
    eventStoreUrl: process.env.EVENTSTORE_URL ?? eventStore!.url,
    mongoUrl,
    mongoDatabase,
    async close() {
      const client = await MongoClient.connect(mongoUrl);
      await client.db(mongoDatabase).dropDatabase();
      await client.close();
      await eventStore?.close();
      await mongo?.close();
    },
  };
}

export interface TestApp {
  url: string;
  running: RunningApp;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/**
 * Settings every test app starts with unless a test says otherwise: secrets of this test run
 * (kept across restarts, as a deployment keeps them), and log-in limits no test reaches by accident.
 */
export const TEST_ENV: Record<string, string> = {
  JWT_SECRET: randomBytes(32).toString('base64url'),
  HASH_KEY: randomBytes(32).toString('base64url'),
  LOGIN_ATTEMPTS_PER_ADDRESS: '1000',
  LOGIN_ATTEMPTS_PER_CLIENT: '100000',
};

/** One GraphQL request over HTTP, its status beside what the server answered. */
export async function graphqlRequest<T = Record<string, any>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

/** The whole application over HTTP on a free port, against the given stores. */
export async function startTestApp(stores: TestStores, env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ PORT: '0', MONGODB_DATABASE: stores.mongoDatabase, ...TEST_ENV, ...env });
  const running = await startApp(
    {
      ...(config as ConfigWithSecrets),
      eventStoreUrl: stores.eventStoreUrl,
      mongoUrl: stores.mongoUrl,
    },
    { logger: process.env.TEST_APP_LOG ? ['error', 'warn', 'log'] : false },
  );
  const url = running.url!;
  return {
    url,
    running,
    gql: (query, variables, headers) => graphqlRequest(url, query, variables, headers),
    close: () => running.close(),
  };
}

export const eventStoreClient = (stores: TestStores) =>
  EventStoreDBClient.connectionString(stores.eventStoreUrl);

/** The application a test file drives, with its stores and an event store client of its own. */
export interface TestFixture extends Pick<TestApp, 'gql' | 'url' | 'running'> {
  stores: TestStores;
  client: EventStoreDBClient;
  /** Closes the app and starts it again on the same stores. */
  restart(): Promise<void>;
}

/**
 * Opens stores and starts the app before the file's tests, and closes all after them. The
 * fixture stands for the app: `fixture.gql(...)`, `fixture.url`.
 */
export function useTestApp(env: Record<string, string> = {}): TestFixture {
  let stores: TestStores | undefined;
  let app: TestApp | undefined;
  let client: EventStoreDBClient | undefined;
  beforeAll(async () => {
    stores = await openStores();
    app = await startTestApp(stores, env);
    client = eventStoreClient(stores);
  });
  afterAll(async () => {
    await client?.dispose();
    await app?.close();
    await stores?.close();
  });
  return {
    gql: (query, variables, headers) => app!.gql(query, variables, headers),
    get url() {
      return app!.url;
    },
    get running() {
      return app!.running;
    },
    get stores() {
      return stores!;
    },
    get client() {
      return client!;
    },
    async restart() {
      await app!.close();
      app = await startTestApp(stores!, env);
    },
  };
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed when it is JSON, else the text. */
  body: any;
}

/** One HTTP request as it is, redirects not followed. */
export async function httpRequest(url: string, init: RequestInit = {}): Promise<HttpResponse> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body };
}

/** A POST to /graphql with any body: an object is sent as JSON, a string as it is. */
export const postGraphQL = (app: Pick<TestApp, 'url'>, body: unknown, headers: Record<string, string> = {}) =>
  httpRequest(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** A GET of /graphql with these parameters, with the header that lets it past CSRF prevention. */
export const getGraphQL = (
  app: Pick<TestApp, 'url'>,
  params: Record<string, string>,
  headers: Record<string, string> = {},
) =>
  httpRequest(`${app.url}/graphql?${new URLSearchParams(params).toString()}`, {
    headers: { 'mercurius-require-preflight': 'true', ...headers },
  });
