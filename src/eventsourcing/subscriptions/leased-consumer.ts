import { CheckpointStore } from './checkpoint-store';
import { ConsumerBoard } from './consumer-board';
import { CheckpointWatch } from './checkpoint-watch';
import { ConsumerLeases, Lease, LeaseLostError } from './consumer-leases';
import { RunnerLease, SubscriptionStatus } from './subscription-runner';

/** What a leased consumer drives: a `SubscriptionRunner`, or a stand-in for one in tests. */
export interface LeasableRunner {
  readonly name: string;
  start(lease: RunnerLease): Promise<void>;
  stop(): Promise<void>;
  status(): SubscriptionStatus;
  waitFor(commit: bigint, timeoutMs: number): Promise<boolean>;
  on(event: 'lease-lost' | 'changed' | 'give-up', listener: () => void): unknown;
}

export interface LeasedConsumerOptions {
  /** Where its status is published on every heartbeat while this process runs it. */
  board?: ConsumerBoard;
  log?: { log(message: string): void; warn(message: string): void };
}

/**
 * Runs a consumer in this process only while this process holds its lease. It tries to take the
 * lease at start and then every heartbeat (a third of the TTL); holding it, it renews it on the
 * same beat. Once a renewal finds another holder, or the lease may have expired without a
 * renewal getting through (MongoDB out of reach), the runner is stopped at once. Taking the lease
 * fences the consumer's checkpoint with the lease's token before the runner loads it, so nothing
 * an earlier holder still stores afterwards is taken.
 */
export class LeasedConsumer {
  private lease: Lease | undefined;
  /** By this process's monotonic clock: a lower bound on when MongoDB deems the lease expired. */
  private validUntil = 0;
  private seenHolder: string | null = null;
  /** After giving the consumer up, by the monotonic clock: it is not taken again before. */
  private idleUntil = 0;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  /** Beats, losses and the stop run one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private watch: CheckpointWatch | undefined;

  constructor(
    readonly runner: LeasableRunner,
    private readonly leases: ConsumerLeases,
    private readonly checkpoints: CheckpointStore,
    private readonly options: LeasedConsumerOptions = {},
  ) {
    // A runner whose state changed between heartbeats (a projection swapped in, paused) says so.
    runner.on('changed', () => void this.serially(() => this.publish()));
    // A runner that cannot run the consumer here (an older projection version) gives it back.
    runner.on('give-up', () => {
      const lease = this.lease;
      void this.serially(async () => {
        if (!lease || this.lease !== lease) return;
        await this.publish();
        this.lease = undefined;
        this.seenHolder = null;
        // Not taken again for a lease's time: long enough for another worker's heartbeat to take it.
        this.idleUntil = performance.now() + this.leases.ttlMs;
        await this.runner.stop();
        await this.leases.release(lease);
      });
    });
    runner.on('lease-lost', () => {
      const lost = this.lease;
      void this.serially(async () => {
        if (lost && this.lease === lost) await this.lose('its runner found it taken over');
      });
    });
  }

  get name(): string {
    return this.runner.name;
  }

  /** Starts taking part; resolves once the first attempt to take the consumer is over. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.serially(() => this.beat());
    this.schedule();
  }

  /** Stops the runner if it runs here (its checkpoint stored), and gives the lease back at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.serially(async () => {
      const lease = this.lease;
      this.lease = undefined;
      await this.runner.stop();
      if (lease) await this.leases.release(lease).catch(() => undefined);
    });
  }

  /** True while this process holds the consumer and its lease cannot have expired. */
  holds(): boolean {
    return this.lease !== undefined && performance.now() < this.validUntil;
  }

  status(): SubscriptionStatus {
    const status = this.runner.status();
    if (this.lease) return { ...status, holder: this.lease.holder };
    const elsewhere: SubscriptionStatus = { ...status, state: this.stopped ? 'stopped' : 'standby' };
    delete elsewhere.holder;
    if (this.seenHolder) elsewhere.holder = this.seenHolder;
    return elsewhere;
  }

  /** As `SubscriptionRunner.waitFor`, wherever the consumer runs: here, or in another process. */
  waitFor(commit: bigint, timeoutMs: number): Promise<boolean> {
    if (this.lease) return this.runner.waitFor(commit, timeoutMs);
    this.watch ??= new CheckpointWatch(this.checkpoints, this.name);
    return this.watch.waitFor(commit, timeoutMs);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => void this.serially(() => this.beat()).finally(() => this.schedule()),
      this.leases.heartbeatMs,
    );
  }

  private serially(task: () => Promise<void>): Promise<void> {
    const next = this.queue
      .then(task)
      .catch((error: Error) => this.options.log?.warn(`${this.name}: ${error.message}`));
    this.queue = next;
    return next;
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    if (this.lease) {
      await this.renew(this.lease);
      return this.publish();
    }
    if (performance.now() < this.idleUntil) return;
    const sentAt = performance.now();
    const { lease, holder } = await this.leases.acquire(this.name);
    this.seenHolder = holder;
    if (!lease) return;
    this.lease = lease;
    this.validUntil = sentAt + this.leases.ttlMs;
    try {
      await this.checkpoints.fence(this.name, lease.token);
      await this.runner.start({ token: lease.token, check: () => this.check(lease) });
      this.options.log?.log(`${this.name}: running here (${lease.holder}, lease ${lease.token})`);
      await this.publish();
    } catch (error) {
      this.lease = undefined;
      await this.runner.stop();
      await this.leases.release(lease).catch(() => undefined);
      throw error;
    }
  }

  /** A status not published only leaves an older one shown: never a reason to stop the consumer. */
  private async publish(): Promise<void> {
    if (!this.lease || !this.options.board) return;
    await this.options.board
      .publish(this.lease.holder, this.status())
      .catch((error: Error) =>
        this.options.log?.warn(`${this.name}: status not published: ${error.message}`),
      );
  }

  private async renew(lease: Lease): Promise<void> {
    const sentAt = performance.now();
    let renewed: boolean;
    try {
      renewed = await this.leases.renew(lease);
    } catch (error) {
      // Out of reach: go on while the lease cannot have expired, and stand down before it may.
      if (performance.now() < this.validUntil) throw error;
      return this.lose(`could not be renewed in time (${(error as Error).message})`);
    }
    if (!renewed) return this.lose('another process has taken it over');
    if (this.lease === lease) this.validUntil = sentAt + this.leases.ttlMs;
  }

  /** Before each batch: still ours, renewing first if a heartbeat is overdue (the process was paused). */
  private async check(lease: Lease): Promise<void> {
    if (this.lease !== lease) throw new LeaseLostError(this.name);
    if (performance.now() < this.validUntil) return;
    const sentAt = performance.now();
    if (!(await this.leases.renew(lease).catch(() => false)) || this.lease !== lease)
      throw new LeaseLostError(this.name);
    this.validUntil = sentAt + this.leases.ttlMs;
  }

  private async lose(reason: string): Promise<void> {
    if (!this.lease) return;
    this.lease = undefined;
    this.seenHolder = null;
    this.options.log?.warn(`${this.name}: lease lost, ${reason}; stopping it here`);
    await this.runner.stop();
  }
}
