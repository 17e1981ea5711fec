import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Db } from 'mongodb';
import { AppConfig } from '../../config/app-config';
import { EventSerializer } from '../event-store/event-serializer';
import { CheckpointStore } from '../subscriptions/checkpoint-store';
import { CheckpointWatch } from '../subscriptions/checkpoint-watch';
import { ConsumerLeases } from '../subscriptions/consumer-leases';
import { LeasedConsumer } from '../subscriptions/leased-consumer';
import { ConsumerBoard } from '../subscriptions/consumer-board';
import { ParkedEvents } from '../subscriptions/parked-events';
import { SubscriptionStatus } from '../subscriptions/subscription-runner';
import { APP_CONFIG, EVENTSTORE_CLIENT, MONGO_DB } from '../tokens';
import { AnyProjection } from './projection-definition';
import { ProjectionRegistry } from './projection-registry';
import { projectionConsumer, ProjectionRunner } from './projection-runner';

export const PROJECTIONS = Symbol('PROJECTIONS');

/**
 * Runs every projection of `projections/` on the worker role, each in whichever worker process
 * holds its lease (see `ProjectionRunner` for its rebuilds), and tells queries when a read model
 * has caught up with a position.
 */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Projections');
  private readonly consumers = new Map<string, LeasedConsumer>();
  private readonly runners = new Map<string, ProjectionRunner>();
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
    private readonly registry: ProjectionRegistry,
    private readonly board: ConsumerBoard,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === 'api') return;
    for (const definition of this.definitions) await this.startProjection(definition);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.consumers.values()].map((consumer) => consumer.stop()));
    this.consumers.clear();
    this.runners.clear();
  }

  status(): SubscriptionStatus[] {
    return [...this.consumers.values()].map((consumer) => consumer.status());
  }

  /** A rebuild, pause or resume was recorded in the registry: act on it now if it runs here. */
  reconcileSoon(projectionName: string): void {
    this.runners.get(projectionName)?.reconcileSoon();
  }

  /**
   * True once the projection's read model reflects the event at `position` (an `$all` commit
   * position), false when `timeoutMs` passes first.
   */
  async waitFor(
    projectionName: string,
    position: bigint,
    timeoutMs = this.config.consistencyTimeoutMs,
  ): Promise<boolean> {
    const definition = this.definitions.find((d) => d.name === projectionName);
    if (!definition) throw new Error(`Unknown projection ${projectionName}`);
    const consumer = this.consumers.get(definition.name);
    if (consumer) return consumer.waitFor(position, timeoutMs);
    // The API role follows the worker's durable checkpoint instead.
    let watch = this.watches.get(definition.name);
    if (!watch) {
      watch = new CheckpointWatch(this.checkpoints, projectionConsumer(definition.name));
      this.watches.set(definition.name, watch);
    }
    return watch.waitFor(position, timeoutMs);
  }

  private async startProjection(definition: AnyProjection): Promise<void> {
    const runner = new ProjectionRunner(definition, {
      client: this.client,
      serializer: this.serializer,
      db: this.db,
      checkpoints: this.checkpoints,
      parked: this.parked,
      registry: this.registry,
      parkAfterAttempts: this.config.parkAfterAttempts,
      // The fastest of 1, 100 and 1,000 in `npm run bench:projections`.
      rebuildBatchSize: 1000,
      log: this.logger,
    });
    const consumer = new LeasedConsumer(runner, this.leases, this.checkpoints, {
      board: this.board,
      log: this.logger,
    });
    this.runners.set(definition.name, runner);
    this.consumers.set(definition.name, consumer);
    await consumer.start();
  }
}
