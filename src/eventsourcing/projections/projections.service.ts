import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Db } from 'mongodb';
import { AppConfig } from '../../config/app-config';
import { EventSerializer } from '../event-store/event-serializer';
import { CheckpointStore } from '../subscriptions/checkpoint-store';
import { CheckpointWatch } from '../subscriptions/checkpoint-watch';
import { ConsumerLeases } from '../subscriptions/consumer-leases';
import { LeasedConsumer } from '../subscriptions/leased-consumer';
import { ParkedEvents } from '../subscriptions/parked-events';
import { SubscriptionRunner, SubscriptionStatus } from '../subscriptions/subscription-runner';
import { APP_CONFIG, EVENTSTORE_CLIENT, MONGO_DB } from '../tokens';
import { AnyProjection } from './projection-definition';
import { ProjectionEngine } from './projection-engine';
import { ProjectionReplay } from './projection-replay';

export const PROJECTIONS = Symbol('PROJECTIONS');

interface ProjectionVersionDocument {
  _id: string;
  version: number;
}

/**
 * Runs every projection of `projections/` on the worker role, each as its own checkpointed
 * subscription in whichever worker process holds its lease, and tells queries when a read model
 * has caught up with a position.
 */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Projections');
  private readonly runners = new Map<string, LeasedConsumer>();
  private readonly watches = new Map<string, CheckpointWatch>();

  constructor(
    @Inject(EVENTSTORE_CLIENT) private readonly client: EventStoreDBClient,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROJECTIONS) private readonly definitions: AnyProjection[],
    private readonly serializer: EventSerializer,
    private readonly checkpoints: CheckpointStore,
    private readonly parked: ParkedEvents,
    private readonly leases: ConsumerLeases,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === 'api') return;
    for (const definition of this.definitions) await this.startProjection(definition);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
  }

  status(): SubscriptionStatus[] {
    return [...this.runners.values()].map((runner) => runner.status());
  }

  /**
   * True once the projection has handled the event at `position` (an `$all` commit position),
   * false when `timeoutMs` passes first.
   */
  async waitFor(
    projectionName: string,
    position: bigint,
    timeoutMs = this.config.consistencyTimeoutMs,
  ): Promise<boolean> {
    const definition = this.definitions.find((d) => d.name === projectionName);
    if (!definition) throw new Error(`Unknown projection ${projectionName}`);
    const runner = this.runners.get(definition.name);
    if (runner) return runner.waitFor(position, timeoutMs);
    // The API role follows the worker's durable checkpoint instead.
    let watch = this.watches.get(definition.name);
    if (!watch) {
      watch = new CheckpointWatch(this.checkpoints, checkpointName(definition));
      this.watches.set(definition.name, watch);
    }
    return watch.waitFor(position, timeoutMs);
  }

  private async startProjection(definition: AnyProjection): Promise<void> {
    const engine = new ProjectionEngine(this.db, definition);
    const replay = new ProjectionReplay(this.client, this.serializer, this.db, engine);
    const runner = new SubscriptionRunner(this.client, this.serializer, this.checkpoints, {
      name: checkpointName(definition),
      handles: definition.handles,
      handle: (events) => engine.applyBatch(events),
      parking: { store: this.parked, afterAttempts: this.config.parkAfterAttempts },
      replay: (events, context) => replay.replay(events, context),
      log: (message) => this.logger.warn(message),
    });
    const consumer = new LeasedConsumer(runner, this.leases, this.checkpoints, {
      // Only the process that holds the projection resets and prepares its read model.
      onAcquired: async () => {
        await this.resetIfVersionChanged(definition);
        await engine.prepare();
      },
      log: this.logger,
    });
    this.runners.set(definition.name, consumer);
    await consumer.start();
  }

  /** A new version starts its read model again from the first event. */
  private async resetIfVersionChanged(definition: AnyProjection): Promise<void> {
    const versions = this.db.collection<ProjectionVersionDocument>('projection_versions');
    const stored = await versions.findOne({ _id: definition.name });
    if (stored?.version === definition.version) return;
    if (stored) {
      this.logger.log(`${definition.name}: version ${stored.version} -> ${definition.version}, rebuilding`);
      await this.db
        .collection(definition.collection)
        .drop()
        .catch(() => undefined);
    }
    await versions.updateOne(
      { _id: definition.name },
      { $set: { version: definition.version } },
      { upsert: true },
    );
  }
}

const checkpointName = (definition: AnyProjection) => `projection:${definition.name}:v${definition.version}`;
