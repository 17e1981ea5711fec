import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { EventStoreDBClient } from '@eventstore/db-client';
import { eventStoreClient, openStores, TestStores } from '../support/app';
import { AppProcess, startAppProcess } from '../support/app-process';
import { register, signUp } from '../support/identity';
import { readAllOf, waitFor } from '../support/read';

const CHANGE_PROFILE = `mutation ($input: ChangeProfileInput!) { changeProfile(input: $input) { id } }`;

type LogLine = Record<string, unknown>;

describe('structured logs', () => {
  let stores: TestStores;
  let client: EventStoreDBClient;
  let app: AppProcess;
  // Stdout is a pipe and no LOG_FORMAT is set: JSON, as in production.
  const lines = (): LogLine[] =>
    app
      .output()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogLine);

  beforeAll(async () => {
    stores = await openStores();
    client = eventStoreClient(stores);
    app = await startAppProcess(stores, { LOG_LEVEL: 'trace' });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await client?.dispose();
    await stores?.close();
  });

  it('writes one JSON object a line, Nest bootstrap lines included', () => {
    expect(lines().length).toBeGreaterThan(0);
    expect(lines()).toContainEqual(expect.objectContaining({ context: 'NestApplication', level: 'info' }));
  });

  it('a line of a handled event carries the correlation id of the request that caused it, and the event id', async () => {
    const correlationId = randomUUID();
    const user = await signUp({
      gql: (q, v, h) => app.gql(q, v, { ...h, 'x-correlation-id': correlationId }),
    });
    const [registered] = await readAllOf(client, `user-${user.userId}`);
    expect(registered.type).toBe('UserRegistered');
    await waitFor(() =>
      lines().some((line) => line.consumer === 'reactor:notifications' && line.eventId === registered.id),
    );
    expect(lines()).toContainEqual(
      expect.objectContaining({
        consumer: 'reactor:notifications',
        eventId: registered.id,
        eventType: 'UserRegistered',
        correlationId,
        userId: user.userId,
      }),
    );
    expect(lines()).toContainEqual(
      expect.objectContaining({ context: 'HTTP', msg: 'request completed', correlationId, statusCode: 200 }),
    );
  });

  it('a request sent without a correlation id logs the one its events carry', async () => {
    const user = await signUp(app);
    const [registered] = await readAllOf(client, `user-${user.userId}`);
    const { correlationId } = registered.metadata as { correlationId: string };
    await waitFor(() =>
      lines().some((line) => line.consumer === 'reactor:notifications' && line.eventId === registered.id),
    );
    expect(lines()).toContainEqual(
      expect.objectContaining({ context: 'HTTP', msg: 'request completed', correlationId }),
    );
  });

  it("a request's line carries its correlation id and the user it acts as", async () => {
    const user = await signUp(app);
    const correlationId = randomUUID();
    const changed = await app.gql(
      CHANGE_PROFILE,
      { input: { displayName: 'Another Name' } },
      { ...user.headers, 'x-correlation-id': correlationId },
    );
    expect(changed.errors).toBeUndefined();
    await waitFor(() =>
      lines().some((line) => line.correlationId === correlationId && line.context === 'HTTP'),
    );
    expect(lines()).toContainEqual(
      expect.objectContaining({
        context: 'HTTP',
        msg: 'request completed',
        method: 'POST',
        path: '/graphql',
        correlationId,
        userId: user.userId,
      }),
    );
  });

  it('holds no personal data: no address, name, password, token or variables, even at trace level', async () => {
    const marker = randomUUID().slice(0, 8);
    const email = `ottilie.${marker}@privacy.example`;
    const displayName = `Ottilie Quennell ${marker}`;
    const password = `secret passphrase ${marker}`;
    const user = await signUp(app, 'ATTENDEE', { email, displayName, password });
    const renamed = `Renamed Quennell ${marker}`;
    await app.gql(CHANGE_PROFILE, { input: { displayName: renamed } }, user.headers);
    // A refused sign-up with the same address, and a request failing on its variables.
    await app.gql(`mutation ($input: RegisterUserInput!) { registerUser(input: $input) { id } }`, {
      input: { email, password, displayName, role: 'ATTENDEE' },
    });
    await app.gql(`mutation ($input: ChangeProfileInput!) { changeProfile(input: $input) { id } }`, {
      input: { displayName: 42, email },
    });
    await waitFor(() =>
      lines().some((line) => line.consumer === 'reactor:notifications' && line.userId === user.userId),
    );
    const output = app.output();
    for (const personal of [email, displayName, renamed, password, user.token, 'privacy.example']) {
      expect(output).not.toContain(personal);
    }
  });
});

describe('structured logs of a failing consumer', () => {
  let stores: TestStores;
  let client: EventStoreDBClient;
  let app: AppProcess;

  beforeAll(async () => {
    stores = await openStores();
    client = eventStoreClient(stores);
    // A mail server that refuses every connection: the welcome e-mail fails, and is parked at once.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    app = await startAppProcess(stores, { SMTP_URL: `smtp://127.0.0.1:${port}`, PARK_AFTER_ATTEMPTS: '1' });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await client?.dispose();
    await stores?.close();
  });

  it("logs the failure and the parking with the event's ids and correlation id", async () => {
    const correlationId = randomUUID();
    const userId = await register(app, correlationId);
    const [event] = await readAllOf(client, `user-${userId}`);
    const lines = (): LogLine[] =>
      app
        .output()
        .split('\n')
        .filter((line) => line.includes('"reactor:notifications"'))
        .map((line) => JSON.parse(line) as LogLine);
    await waitFor(() => lines().some((line) => /parked UserRegistered/.test(String(line.msg))), 10_000);
    const ids = {
      consumer: 'reactor:notifications',
      eventId: event.id,
      correlationId,
      userId,
      level: 'warn',
    };
    expect(lines()).toContainEqual(expect.objectContaining({ ...ids, msg: expect.stringMatching(/parked/) }));
    expect(lines()).toContainEqual(
      expect.objectContaining({ ...ids, msg: expect.not.stringMatching(/parked/) }),
    );
  });
});
