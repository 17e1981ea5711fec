import { randomUUID } from 'node:crypto';
import { httpRequest, openStores, startTestApp, TestStores, useTestApp } from '../support/app';
import { ADMIN_ENV, logInAsAdmin, signUp } from '../support/identity';
import { inDays, PUBLISH, SCHEDULE } from '../support/meetup-operations';
import { startMongoProxy } from '../support/mongo-proxy';
import { waitFor } from '../support/read';
import { startWorkerProcess } from '../support/worker-process';

const MAX_LAG = 5;
const CATALOG = 'projection:meetup-catalog';
const PAUSE = `mutation ($name: String!) { pauseProjection(name: $name) { name state } }`;
const RESUME = `mutation ($name: String!) { resumeProjection(name: $name) { name state } }`;

const get = (base: string, path: string, headers: Record<string, string> = {}) =>
  httpRequest(`${base}${path}`, { headers });

/** Polls readiness until it answers `status`; the last answer. */
async function readyWith(base: string, status: number, timeoutMs = 10_000) {
  let last = await get(base, '/health/ready');
  await waitFor(async () => (last = await get(base, '/health/ready')).status === status, timeoutMs).catch(
    () => {
      throw new Error(
        `readiness never answered ${status}; last: ${last.status} ${JSON.stringify(last.body)}`,
      );
    },
  );
  return last;
}

/** One scrape, as `name{labels}` → value (labels as the exposition writes them). */
async function scrape(base: string): Promise<Map<string, number>> {
  const response = await get(base, '/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of String(response.body).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

const sample = (samples: Map<string, number>, name: string, labels: Record<string, string> = {}) => {
  const rendered = Object.entries(labels)
    .map(([label, value]) => `${label}="${value}"`)
    .join(',');
  return samples.get(rendered ? `${name}{${rendered}}` : name) ?? 0;
};

describe('health', () => {
  const app = useTestApp({ ...ADMIN_ENV, READY_MAX_LAG: String(MAX_LAG) });

  it('is live', async () => {
    const live = await get(app.url, '/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ status: 'ok' });
  });

  it('is ready with both stores reachable and every projection within the bound', async () => {
    const ready = await readyWith(app.url, 200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: {
        eventstore: { status: 'up' },
        mongodb: { status: 'up' },
        projections: { status: 'up', maxLag: MAX_LAG },
      },
      error: {},
    });
  });

  it('is not ready while a projection is paused far behind, and ready again once it is resumed', async () => {
    const [admin, organiser] = await Promise.all([logInAsAdmin(app), signUp(app)]);
    expect((await app.gql(PAUSE, { name: CATALOG }, admin.headers)).errors).toBeUndefined();
    for (let i = 0; i < MAX_LAG + 2; i++) {
      const input = { title: `Meetup ${i}`, city: 'Porto', startsAt: inDays(3), capacity: 10 };
      expect((await app.gql(SCHEDULE, { input }, organiser.headers)).errors).toBeUndefined();
    }

    const failing = await readyWith(app.url, 503);
    expect(failing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(failing.body).toMatchObject({
      status: 'error',
      info: { eventstore: { status: 'up' }, mongodb: { status: 'up' } },
      error: {
        projections: { status: 'down', maxLag: MAX_LAG, behind: [{ name: CATALOG, state: 'PAUSED' }] },
      },
    });
    expect(failing.body.error.projections.behind[0].lag).toBeGreaterThan(MAX_LAG);
    expect(JSON.stringify(failing.body)).not.toMatch(/stack|\bat \w+ \(/);

    expect((await app.gql(RESUME, { name: CATALOG }, admin.headers)).errors).toBeUndefined();
    const recovered = await readyWith(app.url, 200);
    expect(recovered.body.info.projections).toEqual({ status: 'up', maxLag: MAX_LAG });
  }, 30_000);
});

describe('health with MongoDB out of reach', () => {
  it('stays live, is not ready while MongoDB is out of reach, and ready again once it is back', async () => {
    const stores = await openStores();
    const proxy = await startMongoProxy(stores.mongoUrl, { markers: [], inspect: () => false });
    const app = await startTestApp({ ...stores, mongoUrl: proxy.url });
    try {
      await readyWith(app.url, 200);
      proxy.cut();
      const failing = await readyWith(app.url, 503);
      expect(failing.body).toMatchObject({
        status: 'error',
        info: { eventstore: { status: 'up' } },
        error: { mongodb: { status: 'down' } },
      });
      expect(typeof failing.body.error.mongodb.message).toBe('string');
      const live = await get(app.url, '/health/live');
      expect(live.status).toBe(200);
      // A scrape is what an operator needs most now: it answers, without the consumers' status.
      const started = Date.now();
      const scraped = await get(app.url, '/metrics');
      expect(scraped.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(scraped.body).toContain('meetups_commands_total');

      proxy.reopen();
      await readyWith(app.url, 200, 20_000);
    } finally {
      proxy.reopen();
      await app.close();
      await proxy.close();
      await stores.close();
    }
  }, 60_000);
});

describe('metrics', () => {
  const app = useTestApp();

  it('counts commands, appended events and GraphQL operations, and shows every consumer', async () => {
    const organiser = await signUp(app);
    const before = await scrape(app.url);

    for (const title of ['First', 'Second']) {
      const input = { title, city: 'Lisbon', startsAt: inDays(5), capacity: 20 };
      expect((await app.gql(SCHEDULE, { input }, organiser.headers)).errors).toBeUndefined();
    }
    const refused = await app.gql(PUBLISH, { input: { meetupId: randomUUID() } }, organiser.headers);
    expect(refused.errors![0].extensions!.code).toBe('MEETUP_NOT_FOUND');

    const after = await scrape(app.url);
    const increase = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);

    const scheduled = { command: 'ScheduleMeetup', outcome: 'ok' };
    const notFound = { command: 'PublishMeetup', outcome: 'MEETUP_NOT_FOUND' };
    expect(increase('meetups_commands_total', scheduled)).toBe(2);
    expect(increase('meetups_commands_total', notFound)).toBe(1);
    expect(increase('meetups_commands_total', { command: 'PublishMeetup', outcome: 'ok' })).toBe(0);
    expect(increase('meetups_command_duration_seconds_count', scheduled)).toBe(2);
    expect(increase('meetups_command_duration_seconds_count', notFound)).toBe(1);
    expect(increase('meetups_command_duration_seconds_sum', scheduled)).toBeGreaterThan(0);
    expect(increase('meetups_events_appended_total', { type: 'MeetupScheduled' })).toBe(2);

    const mutation = (field: string, outcome: string) => ({ type: 'mutation', field, outcome });
    expect(increase('meetups_graphql_operations_total', mutation('scheduleMeetup', 'ok'))).toBe(2);
    expect(increase('meetups_graphql_operations_total', mutation('publishMeetup', 'MEETUP_NOT_FOUND'))).toBe(
      1,
    );
    expect(
      increase('meetups_graphql_operation_duration_seconds_count', {
        type: 'mutation',
        field: 'scheduleMeetup',
      }),
    ).toBe(2);

    const appends = { store: 'eventstore', operation: 'append', outcome: 'ok' };
    expect(increase('meetups_store_request_duration_seconds_count', appends)).toBeGreaterThanOrEqual(2);
    // The refused command read its stream afresh, and found none.
    const missing = { store: 'eventstore', operation: 'read_stream', outcome: 'not_found' };
    expect(increase('meetups_store_request_duration_seconds_count', missing)).toBeGreaterThanOrEqual(1);
    const mongoFinds = { store: 'mongodb', operation: 'find', outcome: 'ok' };
    expect(increase('meetups_store_request_duration_seconds_count', mongoFinds)).toBeGreaterThan(0);

    const catalog = { consumer: CATALOG, kind: 'projection' };
    expect(after.has(`meetups_consumer_lag_events{consumer="${CATALOG}",kind="projection"}`)).toBe(true);
    expect(sample(after, 'meetups_consumer_position', catalog)).toBeGreaterThan(0);
    expect(after.has(`meetups_consumer_parked_events{consumer="${CATALOG}",kind="projection"}`)).toBe(true);
    expect(
      [...after.keys()].some((key) =>
        key.startsWith('meetups_consumer_state{consumer="reactor:notifications"'),
      ),
    ).toBe(true);
    expect(after.has('process_cpu_user_seconds_total')).toBe(true);
  });
});

describe('metrics while MongoDB hangs', () => {
  it("answers a scrape within seconds, without the consumers' status, while their reads hang", async () => {
    const stores = await openStores();
    let hang = false;
    const held: (() => void)[] = [];
    const proxy = await startMongoProxy(stores.mongoUrl, {
      markers: ['consumer_status'],
      inspect: () => (hang ? new Promise<boolean>((resolve) => held.push(() => resolve(false))) : false),
    });
    const app = await startTestApp({ ...stores, mongoUrl: proxy.url });
    try {
      hang = true;
      // Past the second for which one look at the consumers answers every scrape.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const started = Date.now();
      const scraped = await get(app.url, '/metrics');
      expect(scraped.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(held.length).toBeGreaterThan(0);
      expect(scraped.body).toContain('meetups_commands_total');
      expect(scraped.body).not.toContain('meetups_consumer_lag_events{');
    } finally {
      hang = false;
      for (const release of held) release();
      await app.close();
      await proxy.close();
      await stores.close();
    }
  }, 60_000);
});

describe('metrics behind a token', () => {
  const token = 'scrape-token-of-the-tests';
  const app = useTestApp({ METRICS_TOKEN: token });

  it('answers only a request with the bearer token; health stays open', async () => {
    const refused = await get(app.url, '/metrics');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(
      (await get(app.url, '/metrics', { authorization: 'Bearer wrong-token-of-the-tests' })).status,
    ).toBe(401);
    const allowed = await get(app.url, '/metrics', { authorization: `Bearer ${token}` });
    expect(allowed.status).toBe(200);
    // The scheme's letter case is free, as HTTP has it.
    expect((await get(app.url, '/metrics', { authorization: `bearer ${token}` })).status).toBe(200);
    expect(allowed.body).toContain('meetups_commands_total');
    expect((await get(app.url, '/health/live')).status).toBe(200);
  });
});

describe('the worker role', () => {
  let stores: TestStores;
  beforeAll(async () => (stores = await openStores()));
  afterAll(() => stores.close());

  it('serves health and metrics over HTTP, and no GraphQL', async () => {
    const workers = await Promise.all([startWorkerProcess(stores, {}), startWorkerProcess(stores, {})]);
    try {
      const [first, second] = workers.map((worker) => worker.url());
      expect(first).not.toBe(second);
      for (const url of [first, second]) {
        expect((await get(url, '/health/live')).status).toBe(200);
        await readyWith(url, 200);
        const metrics = await scrape(url);
        expect(metrics.has(`meetups_consumer_lag_events{consumer="${CATALOG}",kind="projection"}`)).toBe(
          true,
        );
        const reads = { store: 'eventstore', operation: 'read_all', outcome: 'ok' };
        expect(sample(metrics, 'meetups_store_request_duration_seconds_count', reads)).toBeGreaterThan(0);
        expect((await get(url, '/graphql')).status).toBe(404);
      }
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  }, 60_000);
});
