import { EventEmitter } from 'node:events';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Db } from 'mongodb';
import { EventSerializer } from '../event-store/event-serializer';
import { CheckpointStore } from '../subscriptions/checkpoint-store';
import { LeaseLostError } from '../subscriptions/consumer-leases';
import { LeasableRunner } from '../subscriptions/leased-consumer';
import { ParkedEvents } from '../subscriptions/parked-events';
import { RateMeter } from '../subscriptions/rate-meter';
import { RunnerLease, SubscriptionRunner, SubscriptionStatus } from '../subscriptions/subscription-runner';
import { AnyProjection, subscribedEvents } from './projection-definition';
import { ProjectionEngine } from './projection-engine';
import { ProjectionRecord, ProjectionRegistry, RebuildRecord } from './projection-registry';
import { ProjectionReplay } from './projection-replay';

/** A projection's consumer: its lease, its checkpoint, and what its parked events are kept under. */
export const projectionConsumer = (name: string): string => `projection:${name}`;
export const rebuildCheckpoint = (name: string): string => `projection:${name}:rebuild`;
const rebuildCollection = (collection: string): string => `${collection}__rebuild`;

const PROGRESS_MS = 500;

/** How long a swap waits for the new read model to pass what the old one had reached. */
const SWAP_CATCH_UP_MS = 30_000;

export interface ProjectionRunnerOptions {
  client: EventStoreDBClient;
  serializer: EventSerializer;
  db: Db;
  checkpoints: CheckpointStore;
  parked: ParkedEvents;
  registry: ProjectionRegistry;
  parkAfterAttempts: number;
  /** Events per batch of a rebuild (the live read model takes the runner's default). */
  rebuildBatchSize?: number;
  /** How often the registry is read for a rebuild, pause or resume asked from elsewhere. */
  pollMs?: number;
  log: { log(message: string): void; warn(message: string): void };
}

type Mode = 'stopped' | 'running' | 'paused' | 'outdated';

/**
 * Runs one projection in the process holding its lease: its live read model, and a blue/green
 * rebuild when one is asked for (`ProjectionRegistry`) or the projection's version changed.
 *
 * A rebuild fills a second collection from the start of `$all`, beside the live one, which keeps
 * answering queries (and keeps up with new events, unless the version changed: the old documents
 * then stay as they were, and `consistentWith` waits). Once the new collection is at the head, the
 * live runner stops, the new one passes the position the live one had reached, and the new
 * collection is renamed over the old in one step; the live checkpoint then moves to the new
 * position, so a query never reads a half-built read model, nor one behind a position it waited
 * for. Each step is recorded first, so a process killed anywhere leaves a rebuild that the next
 * holder carries on from its own checkpoint.
 */
export class ProjectionRunner extends EventEmitter implements LeasableRunner {
  readonly name: string;
  private readonly live: SubscriptionRunner;
  private readonly rebuild: SubscriptionRunner;
  private readonly liveEngine: ProjectionEngine;
  private readonly rebuildEngine: ProjectionEngine;
  private readonly rebuildPace = new RateMeter();
  private rebuildReached = 0n;
  private progressToldAt = 0;
  private liveRunning = false;
  private rebuildRunning = false;
  private mode: Mode = 'stopped';
  private outdatedBy = '';
  private record: ProjectionRecord;
  private lease: RunnerLease | undefined;
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private reconcileQueued = false;

  constructor(
    private readonly definition: AnyProjection,
    private readonly options: ProjectionRunnerOptions,
  ) {
    super();
    this.name = projectionConsumer(definition.name);
    this.record = { _id: definition.name };
    const { client, serializer, db, checkpoints, parked } = options;
    this.liveEngine = new ProjectionEngine(db, definition);
    this.rebuildEngine = new ProjectionEngine(db, definition, rebuildCollection(definition.collection));
    const replay = new ProjectionReplay(
      client,
      definition.sealed ? serializer.withoutReveal() : serializer,
      db,
      this.liveEngine,
    );
    const log = (message: string) => options.log.warn(message);
    this.live = new SubscriptionRunner(client, serializer, checkpoints, {
      name: this.name,
      ...subscribedEvents(definition),
      handle: (events) => this.liveEngine.applyBatch(events),
      parking: {
        store: parked,
        afterAttempts: options.parkAfterAttempts,
        // Replayed into the read model being replaced, an event would be missing from its successor.
        replays: () => !this.record.rebuild,
      },
      replay: (events, context) => replay.replay(events, context),
      log,
    });
    this.rebuild = new SubscriptionRunner(client, serializer, checkpoints, {
      name: rebuildCheckpoint(definition.name),
      traced: false,
      ...subscribedEvents(definition),
      handle: (events) => this.rebuildEngine.applyBatch(events),
      // Parked under the projection itself; the live runner replays them.
      parking: {
        store: parked,
        afterAttempts: options.parkAfterAttempts,
        consumer: this.name,
        replays: false,
      },
      batchSize: options.rebuildBatchSize,
      log,
    });
    for (const runner of [this.live, this.rebuild]) runner.on('lease-lost', () => this.emit('lease-lost'));
    this.rebuild.on('progress', (position: { commit: bigint }) => {
      if (this.rebuildReached > 0n) this.rebuildPace.record(Number(position.commit - this.rebuildReached));
      this.rebuildReached = position.commit;
      // Progress is published twice a second, not only at each heartbeat.
      if (performance.now() - this.progressToldAt >= PROGRESS_MS) {
        this.progressToldAt = performance.now();
        this.emit('changed');
      }
      if (this.rebuild.caughtUp()) this.reconcileSoon();
    });
    this.rebuild.on('caught-up', () => {
      if (this.rebuild.caughtUp()) this.reconcileSoon();
    });
  }

  async start(lease: RunnerLease): Promise<void> {
    this.lease = lease;
    this.mode = 'running';
    await this.serially(() => this.reconcile());
    this.schedule();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lease = undefined;
    await this.serially(async () => {
      await this.stopLive();
      await this.stopRebuild();
      this.mode = 'stopped';
    });
  }

  /** Looks at the registry now rather than at the next poll: a request was made in this process. */
  reconcileSoon(): void {
    if (this.reconcileQueued || !this.lease) return;
    this.reconcileQueued = true;
    this.serially(() => {
      this.reconcileQueued = false;
      return this.reconcile();
    }).catch((error: Error) => {
      if (error instanceof LeaseLostError) this.emit('lease-lost');
      else this.options.log.warn(`${this.name}: ${error.message}`);
    });
  }

  waitFor(commit: bigint, timeoutMs: number): Promise<boolean> {
    return this.live.waitFor(commit, timeoutMs);
  }

  status(): SubscriptionStatus {
    const live = this.live.status();
    const rebuild = this.rebuild.status();
    const rebuilding = this.record.rebuild;
    const status: SubscriptionStatus = {
      ...live,
      name: this.name,
      state: this.state(live),
      version: this.definition.version,
      parked: this.liveRunning ? live.parked : rebuild.parked,
    };
    const lastError =
      this.mode === 'outdated' ? this.outdatedBy : (live.lastError ?? rebuild.lastError ?? undefined);
    if (lastError) status.lastError = lastError;
    else delete status.lastError;
    if (rebuilding && this.mode !== 'outdated') {
      status.rebuild = {
        version: rebuilding.version,
        reason: rebuilding.reason,
        ...(rebuilding.startedAt ? { startedAt: rebuilding.startedAt } : {}),
        position: this.rebuildRunning ? rebuild.position : -1n,
        events: this.rebuildRunning ? rebuild.eventsSinceStart : 0,
        eventsPerSecond: this.rebuildRunning ? rebuild.eventsPerSecond : 0,
        positionsPerSecond: this.rebuildRunning ? this.rebuildPace.perSecond() : 0,
      };
    }
    return status;
  }

  private state(live: SubscriptionStatus): SubscriptionStatus['state'] {
    if (this.mode === 'stopped') return 'stopped';
    if (this.mode !== 'running') return this.mode;
    if (this.record.rebuild) return 'rebuilding';
    return live.state;
  }

  private schedule(): void {
    if (!this.lease) return;
    this.timer = setTimeout(() => {
      this.reconcileSoon();
      void this.queue.finally(() => this.schedule());
    }, this.options.pollMs ?? 1000);
  }

  /**
   * Starts, stops and reconciliations run one at a time, in order; a change of state is told
   * (`changed`) so that it is published at once rather than at the next heartbeat.
   */
  private serially(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(async () => {
      const before = this.status().state;
      try {
        await task();
      } finally {
        if (this.status().state !== before) this.emit('changed');
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Brings what runs here in line with the registry: which read model, paused or not, the rebuild. */
  private async reconcile(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    await lease.check();
    const { name, version } = this.definition;
    let record = await this.options.registry.get(name);
    const latest = Math.max(record.version ?? 0, record.rebuild?.version ?? 0);
    if (latest > version) {
      this.outdatedBy = `its read model has version ${latest}; this process runs version ${version}`;
      this.options.log.warn(`${this.name}: ${this.outdatedBy}; leaving it to a worker of that version`);
      await this.halt('outdated');
      // Given back, so that a worker of the newer version takes the projection.
      this.emit('give-up');
      return;
    }
    if (record.version !== version && record.rebuild?.version !== version) {
      record = await this.options.registry.requestRebuild(name, version, 'new-version');
    }
    this.record = record;
    if (record.paused) return this.halt('paused');
    this.mode = 'running';
    if (record.rebuild?.swapStartedAt) return this.finishSwap(lease, record.rebuild);
    if (record.version === version) await this.startLive(lease);
    if (record.rebuild) await this.advanceRebuild(lease, record.rebuild);
  }

  private async advanceRebuild(lease: RunnerLease, rebuild: RebuildRecord): Promise<void> {
    const { checkpoints, db, registry } = this.options;
    const checkpoint = rebuildCheckpoint(this.definition.name);
    if (!rebuild.startedAt) {
      // A fresh start: whatever an earlier rebuild left is thrown away.
      await this.stopRebuild();
      await db.dropCollection(this.rebuildEngine.collectionName);
      await db.createCollection(this.rebuildEngine.collectionName);
      await checkpoints.delete(checkpoint);
      await registry.rebuildStarted(this.definition.name, rebuild.version);
      this.record = await registry.get(this.definition.name);
      this.options.log.log(`${this.name}: rebuilding version ${rebuild.version} (${rebuild.reason})`);
    }
    if (!this.rebuildRunning) {
      await checkpoints.fence(checkpoint, lease.token);
      await this.rebuildEngine.prepare();
      this.rebuildReached = 0n;
      await this.rebuild.start(lease);
      this.rebuildRunning = true;
    }
    if (this.rebuild.caughtUp()) await this.swap(lease, rebuild);
  }

  /** The new read model is at the head: it takes the old one's place. */
  private async swap(lease: RunnerLease, rebuild: RebuildRecord): Promise<void> {
    const wasLive = this.liveRunning;
    await this.stopLive();
    const reached = await this.options.checkpoints.load(this.name);
    if (reached && !(await this.rebuild.waitFor(reached.commit, SWAP_CATCH_UP_MS))) {
      if (wasLive) await this.startLive(lease);
      return;
    }
    await this.stopRebuild();
    await lease.check();
    await this.options.registry.swapping(this.definition.name, rebuild.version);
    await this.finishSwap(lease, rebuild);
  }

  /** Carried through from wherever it stopped: every step may be done again. */
  private async finishSwap(lease: RunnerLease, rebuild: RebuildRecord): Promise<void> {
    const { checkpoints, db, registry } = this.options;
    const checkpoint = rebuildCheckpoint(this.definition.name);
    await this.stopLive();
    await this.stopRebuild();
    // Once the rebuild's checkpoint is gone (a crash after its deletion), the live one holds its position.
    const reached = (await checkpoints.load(checkpoint)) ?? (await checkpoints.load(this.name));
    const events = this.rebuild.status().eventsSinceStart;
    const collection = this.rebuildEngine.collectionName;
    // A holder paused past its lease must not rename a later rebuild's collection into place.
    await lease.check();
    if ((await db.listCollections({ name: collection }, { nameOnly: true }).toArray()).length > 0) {
      await db.renameCollection(collection, this.definition.collection, { dropTarget: true });
    }
    if (reached) await checkpoints.save(this.name, reached, lease.token);
    await checkpoints.delete(checkpoint);
    const recorded = (await registry.get(this.definition.name)).rebuild ?? rebuild;
    await registry.swapped(this.definition.name, recorded, {
      position: (reached?.commit ?? -1n).toString(),
      events,
      finishedAt: new Date(),
    });
    this.record = await registry.get(this.definition.name);
    this.options.log.log(
      `${this.name}: version ${rebuild.version} rebuilt and swapped in at position ${reached?.commit ?? -1n}`,
    );
    await this.startLive(lease);
  }

  private async halt(mode: 'paused' | 'outdated'): Promise<void> {
    await this.stopLive();
    await this.stopRebuild();
    this.mode = mode;
  }

  private async startLive(lease: RunnerLease): Promise<void> {
    if (this.liveRunning) return;
    await this.liveEngine.prepare();
    await this.live.start(lease);
    this.liveRunning = true;
  }

  private async stopLive(): Promise<void> {
    if (!this.liveRunning) return;
    this.liveRunning = false;
    await this.live.stop();
  }

  private async stopRebuild(): Promise<void> {
    if (!this.rebuildRunning) return;
    this.rebuildRunning = false;
    await this.rebuild.stop();
  }
}
