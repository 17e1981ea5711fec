import { connect, Socket } from 'node:net';
import { startTestApp, useTestApp } from '../support/app';
import { signUp, TestUser } from '../support/identity';

const REQUEST_TIMEOUT_MS = 500;

/**
 * Opens a connection that sends `head` at once, then one more byte every 100 ms, until the server
 * closes it (or 5 s pass: then the test closes it and reports it as never closed).
 */
function trickle(url: string, head: string): Promise<{ closedAfterMs: number; received: string }> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve) => {
    const started = performance.now();
    let received = '';
    let byServer = true;
    let timer: NodeJS.Timeout | undefined;
    const socket: Socket = connect(Number(port), hostname, () => {
      socket.write(head);
      timer = setInterval(() => socket.writable && socket.write('x'), 100);
    });
    const deadline = setTimeout(() => {
      byServer = false;
      socket.destroy();
    }, 5000);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(deadline);
      resolve({ closedAfterMs: byServer ? performance.now() - started : Infinity, received });
    });
  });
}

describe('GraphQL resource limits', () => {
  const app = useTestApp({
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    CONSISTENCY_MAX_WAITERS: '2',
    CONSISTENCY_TIMEOUT_MS: '1500',
  });
  let organiser: TestUser;
  beforeAll(async () => {
    organiser = await signUp(app);
  });

  it('cuts off requests whose body or headers trickle in', async () => {
    const body =
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{';
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => trickle(app.url, body)),
      trickle(app.url, 'POST /graphql HTTP/1.1\r\nHost: x\r\nX-Slow: '),
    ]);
    for (const { closedAfterMs, received } of results) {
      // Node checks the bound every `min(timeout, 1 s)`: closed within twice the timeout, give or take.
      expect(closedAfterMs).toBeLessThan(2 * REQUEST_TIMEOUT_MS + 1500);
      expect(received).toMatch(/^HTTP\/1\.1 408/);
    }
    // Requests sent at once are served as usual.
    expect((await app.gql('{ meetups { edges { cursor } } }')).errors).toBeUndefined();
  });

  it('caps the queries waiting for any read model: beyond, STALE_READ at once', async () => {
    const wait = `query($at: String) { meetups(consistentWith: $at) { edges { cursor } } }`;
    const scheduled = await app.gql(
      `mutation { scheduleMeetup(input: { title: "Waiters", city: "Braga", capacity: 5, startsAt: "2030-05-01T18:00:00Z" }) { position } }`,
      {},
      organiser.headers,
    );
    expect(scheduled.errors).toBeUndefined();
    const reached = (scheduled.data!.scheduleMeetup as { position: string }).position;
    expect((await app.gql(wait, { at: reached })).errors).toBeUndefined();

    const future = '99999999999999';
    const waiting = [app.gql(wait, { at: future }), app.gql(wait, { at: future })];
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    const refused = await app.gql(wait, { at: future });
    expect(performance.now() - started).toBeLessThan(500);
    expect(refused.errors![0].extensions!.code).toBe('STALE_READ');
    expect(refused.errors![0].message).toMatch(/Too many queries are waiting/);
    // One cap for the app: a query on another context's read model counts the same waiters.
    const mine = `query($at: String) { myOrders(first: 1, consistentWith: $at) { edges { cursor } } }`;
    const elsewhere = await app.gql(mine, { at: future }, organiser.headers);
    expect(elsewhere.errors![0].message).toMatch(/Too many queries are waiting/);
    // At the cap, a query the read model has already caught up with still passes.
    expect((await app.gql(wait, { at: reached })).errors).toBeUndefined();

    for (const response of await Promise.all(waiting)) {
      expect(response.errors![0].extensions!.code).toBe('STALE_READ');
      expect(response.errors![0].message).not.toMatch(/Too many/);
    }
  });

  it('stops at once, whatever its clients are in the middle of', async () => {
    const own = await startTestApp(app.stores, { REQUEST_TIMEOUT_MS: '30000' });
    const { port } = new URL(own.url);
    const slow = connect(Number(port), '127.0.0.1');
    slow.on('error', () => undefined);
    await new Promise((resolve) => slow.once('connect', resolve));
    slow.write(
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    const idle = await own.gql('{ meetups { edges { cursor } } }');
    expect(idle.errors).toBeUndefined();
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(2000);
    slow.destroy();
  });
});
