import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Db } from 'mongodb';
import { MongoFixture, openMongo } from '../../../test/support/mongo';
import { CheckpointStore } from './checkpoint-store';
import { ConsumerLeases, Lease, LeaseLostError } from './consumer-leases';
import { LeasableRunner, LeasedConsumer } from './leased-consumer';
import { RunnerLease, SubscriptionStatus } from './subscription-runner';

/** Leases whose renewals can be held up, as if the process were paused (a long GC, a frozen VM). */
class PausableLeases extends ConsumerLeases {
  private paused: Promise<void> | undefined;
  private resume: (() => void) | undefined;

  pause(): void {
    this.paused = new Promise((resolve) => (this.resume = resolve));
  }

  unpause(): void {
    this.resume?.();
    this.paused = undefined;
  }

  override async renew(lease: Lease): Promise<boolean> {
    await this.paused;
    return super.renew(lease);
  }
}

/** A runner that only records whether it runs, and under which lease. */
class FakeRunner extends EventEmitter implements LeasableRunner {
  running = false;
  lease: RunnerLease | undefined;

  constructor(readonly name: string) {
    super();
  }

  async start(lease: RunnerLease): Promise<void> {
    this.running = true;
    this.lease = lease;
  }

  async stop(): Promise<void> {
    this.running = false;
  }

  status(): SubscriptionStatus {
    return {
      name: this.name,
      state: this.running ? 'live' : 'stopped',
      position: -1n,
      parked: 0,
      eventsPerSecond: 0,
      eventsSinceStart: 0,
    };
  }

  async waitFor(): Promise<boolean> {
    return this.running;
  }
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<number> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(10);
  }
  return performance.now() - started;
}

describe('ConsumerLeases', () => {
  let mongo: MongoFixture;
  let db: Db;
  let checkpoints: CheckpointStore;
  beforeAll(async () => {
    mongo = await openMongo();
    db = mongo.db;
    checkpoints = new CheckpointStore(db);
  });
  afterAll(() => mongo.close());

  const consumer = () => `consumer-${randomUUID()}`;
  const at = (position: bigint) => ({ commit: position, prepare: position });

  it('gives a consumer to one process at a time, for as long as it renews', async () => {
    const name = consumer();
    const [a, b] = [new ConsumerLeases(db, { ttlMs: 300 }), new ConsumerLeases(db, { ttlMs: 300 })];
    expect(a.holder).not.toBe(b.holder);
    const { lease } = await a.acquire(name);
    expect(lease).toEqual({ consumer: name, holder: a.holder, token: 1 });
    for (let beat = 0; beat < 5; beat++) {
      expect(await b.acquire(name)).toEqual({ holder: a.holder });
      expect(await a.renew(lease!)).toBe(true);
      await sleep(100);
    }
    // Taking it again while holding it is harmless: a new token, the same holder.
    expect((await a.acquire(name)).lease?.token).toBe(2);
  });

  it('hands an expired lease to another process under a higher token; the old one renews it no more', async () => {
    const name = consumer();
    const [a, b] = [new ConsumerLeases(db, { ttlMs: 200 }), new ConsumerLeases(db, { ttlMs: 200 })];
    const { lease: first } = await a.acquire(name);
    expect((await b.acquire(name)).lease).toBeUndefined();
    await sleep(250);
    const { lease: second } = await b.acquire(name);
    expect(second).toEqual({ consumer: name, holder: b.holder, token: first!.token + 1 });
    expect(await a.renew(first!)).toBe(false);
    expect(await a.acquire(name)).toEqual({ holder: b.holder });
    // Releasing a lease one no longer holds changes nothing.
    await a.release(first!);
    expect((await b.find(name))?.holder).toBe(b.holder);
  });

  it('gives a released lease to the next process at once', async () => {
    const name = consumer();
    const [a, b] = [new ConsumerLeases(db, { ttlMs: 60_000 }), new ConsumerLeases(db, { ttlMs: 60_000 })];
    const { lease } = await a.acquire(name);
    await a.release(lease!);
    expect((await b.acquire(name)).lease?.token).toBe(lease!.token + 1);
  });

  it('refuses the checkpoint of a holder fenced off by a later lease, whatever its position', async () => {
    const name = consumer();
    const [a, b] = [new ConsumerLeases(db, { ttlMs: 100 }), new ConsumerLeases(db, { ttlMs: 100 })];
    const { lease: stale } = await a.acquire(name);
    await checkpoints.fence(name, stale!.token);
    await checkpoints.save(name, at(100n), stale!.token);
    await sleep(150);
    const { lease: fresh } = await b.acquire(name);
    await checkpoints.fence(name, fresh!.token);

    await expect(checkpoints.save(name, at(200n), stale!.token)).rejects.toThrow(LeaseLostError);
    await expect(checkpoints.fence(name, stale!.token)).rejects.toThrow(LeaseLostError);
    expect(await checkpoints.load(name)).toEqual(at(100n));
    await checkpoints.save(name, at(150n), fresh!.token);
    // Behind, under the current lease: not an error, and no move back.
    await checkpoints.save(name, at(120n), fresh!.token);
    expect(await checkpoints.load(name)).toEqual(at(150n));
  });

  it('fences a consumer that has no checkpoint yet', async () => {
    const name = consumer();
    await checkpoints.fence(name, 3);
    expect(await checkpoints.load(name)).toBeUndefined();
    await expect(checkpoints.save(name, at(10n), 2)).rejects.toThrow(LeaseLostError);
    await checkpoints.save(name, at(10n), 3);
    expect(await checkpoints.load(name)).toEqual(at(10n));
  });
});

describe('LeasedConsumer', () => {
  let mongo: MongoFixture;
  let db: Db;
  let checkpoints: CheckpointStore;
  beforeAll(async () => {
    mongo = await openMongo();
    db = mongo.db;
    checkpoints = new CheckpointStore(db);
  });
  afterAll(() => mongo.close());

  const TTL = 300;

  it('runs in one process at a time; a paused holder stands down before another takes over', async () => {
    const name = `consumer-${randomUUID()}`;
    const leases = [new PausableLeases(db, { ttlMs: TTL }), new PausableLeases(db, { ttlMs: TTL })];
    const runners = [new FakeRunner(name), new FakeRunner(name)];
    const consumers = [0, 1].map((i) => new LeasedConsumer(runners[i], leases[i], checkpoints));
    try {
      await consumers[0].start();
      await consumers[1].start();
      expect(runners.map((r) => r.running)).toEqual([true, false]);
      expect(consumers[0].status()).toMatchObject({ state: 'live', holder: leases[0].holder });
      expect(consumers[1].status()).toMatchObject({ state: 'standby', holder: leases[0].holder });
      await sleep(TTL * 2);
      expect(runners.map((r) => r.running)).toEqual([true, false]);

      // The holder is paused: its renewals hang. It stops counting itself the holder before the
      // lease can have expired (so its timers and its next batch wait), and only then does the
      // other take over.
      leases[0].pause();
      let overlap = false;
      const tookOver = await until(() => {
        overlap ||= consumers[0].holds() && runners[1].running;
        return runners[1].running;
      });
      expect(overlap).toBe(false);
      expect(consumers[0].holds()).toBe(false);
      expect(tookOver).toBeLessThan(TTL + leases[1].heartbeatMs + 500);
      expect(runners[1].lease!.token).toBe(runners[0].lease!.token + 1);

      // Resumed, the old holder's runner is refused its next batch, and it is stopped.
      leases[0].unpause();
      await expect(runners[0].lease!.check()).rejects.toThrow(LeaseLostError);
      await expect(
        checkpoints.save(name, { commit: 1n, prepare: 1n }, runners[0].lease!.token),
      ).rejects.toThrow(LeaseLostError);
      await until(() => !runners[0].running);
      await runners[1].lease!.check();
      // Standing by, it names the holder as it last saw it: after its next look, the other one.
      await until(() => consumers[0].status().holder === leases[1].holder);
      expect(consumers[0].status().state).toBe('standby');

      // A clean stop gives the consumer back at once.
      await consumers[1].stop();
      expect(await leases[1].find(name)).toMatchObject({ holder: null, expiresAt: new Date(0) });
      await until(() => runners[0].running, leases[0].heartbeatMs + 500);
      expect(consumers[1].status().state).toBe('stopped');
    } finally {
      await Promise.all(consumers.map((c) => c.stop()));
    }
  });

  it('stops the consumer when its runner finds the lease lost, and takes it again while it is free', async () => {
    const name = `consumer-${randomUUID()}`;
    const leases = new ConsumerLeases(db, { ttlMs: TTL });
    const runner = new FakeRunner(name);
    const consumer = new LeasedConsumer(runner, leases, checkpoints);
    try {
      await consumer.start();
      const first = runner.lease!.token;
      // As when a check before a batch could not reach MongoDB in time.
      runner.emit('lease-lost');
      await until(() => !runner.running);
      expect(consumer.holds()).toBe(false);
      // Its own lease, still unexpired, is taken again at the next beat, under a new token.
      await until(() => runner.running, leases.heartbeatMs + 500);
      expect(runner.lease!.token).toBe(first + 1);
      expect(consumer.holds()).toBe(true);
    } finally {
      await consumer.stop();
    }
  });

  it('never runs a consumer in two of three processes, however their lease comes and goes', async () => {
    const name = `consumer-${randomUUID()}`;
    const leases = [0, 1, 2].map(() => new PausableLeases(db, { ttlMs: 150 }));
    const runners = leases.map(() => new FakeRunner(name));
    const consumers = leases.map((l, i) => new LeasedConsumer(runners[i], l, checkpoints));
    // A paused holder's runner is still there, but stands down before its lease can expire.
    let overlaps = 0;
    const watch = setInterval(() => {
      if (consumers.filter((c) => c.holds()).length > 1) overlaps++;
    }, 2);
    try {
      await Promise.all(consumers.map((c) => c.start()));
      for (let round = 0; round < 6; round++) {
        const holder = consumers.findIndex((c) => c.holds());
        expect(holder).toBeGreaterThanOrEqual(0);
        leases[holder].pause();
        await until(() => runners.some((r, i) => i !== holder && r.running));
        leases[holder].unpause();
        await until(() => !runners[holder].running);
      }
    } finally {
      clearInterval(watch);
      await Promise.all(consumers.map((c) => c.stop()));
    }
    expect(overlaps).toBe(0);
  });
  it('gives the consumer up when its runner cannot run it here, and leaves it to another worker', async () => {
    const name = `consumer-${randomUUID()}`;
    const leases = [new ConsumerLeases(db, { ttlMs: TTL }), new ConsumerLeases(db, { ttlMs: TTL })];
    // The first runner is of an older version: it gives up each time it is started.
    const outdated = new FakeRunner(name);
    outdated.start = async (lease) => {
      outdated.lease = lease;
      outdated.emit('give-up');
    };
    const current = new FakeRunner(name);
    const first = new LeasedConsumer(outdated, leases[0], checkpoints);
    const second = new LeasedConsumer(current, leases[1], checkpoints);
    try {
      await first.start();
      await until(async () => (await leases[0].find(name))?.holder === null);
      expect(first.holds()).toBe(false);
      // It does not take it again for a lease's time, whatever its heartbeats.
      const given = (await leases[0].find(name))!.token;
      await sleep(leases[0].heartbeatMs * 2);
      expect(await leases[0].find(name)).toMatchObject({ holder: null, token: given });
      await second.start();
      await until(() => current.running, leases[1].heartbeatMs + 500);
      expect(second.holds()).toBe(true);
      expect((await leases[1].find(name))?.holder).toBe(leases[1].holder);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
