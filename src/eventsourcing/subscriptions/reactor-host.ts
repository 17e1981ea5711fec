import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EventStoreDBClient } from '@eventstore/db-client';
import { AppConfig } from '../../config/app-config';
import { RecordedDomainEvent } from '../event-store/event-metadata';
import { EventSerializer } from '../event-store/event-serializer';
import { APP_CONFIG, EVENTSTORE_CLIENT } from '../tokens';
import { CheckpointStore } from './checkpoint-store';
import { ConsumerBoard } from './consumer-board';
import { ConsumerLeases } from './consumer-leases';
import { LeasedConsumer } from './leased-consumer';
import { ParkedEvents } from './parked-events';
import { SubscriptionRunner, SubscriptionStatus } from './subscription-runner';

/**
 * Runs reactors (consumers with side effects) on the worker role, each as its own checkpointed
 * subscription in whichever worker process holds its lease, and stops them with the app. A
 * reactor deduplicates its own effects (an inbox): delivery is at least once. An event it keeps
 * failing on is parked; a replay hands it to the reactor again, alone.
 */
@Injectable()
export class ReactorHost implements OnModuleDestroy {
  private readonly logger = new Logger('Reactors');
  private readonly runners = new Map<string, LeasedConsumer>();
  /** Every reactor of the app, whether or not this process runs reactors. */
  private readonly known = new Set<string>();

  constructor(
    @Inject(EVENTSTORE_CLIENT) private readonly client: EventStoreDBClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly serializer: EventSerializer,
    private readonly checkpoints: CheckpointStore,
    private readonly parked: ParkedEvents,
    private readonly leases: ConsumerLeases,
    private readonly board: ConsumerBoard,
  ) {}

  /** Starts a reactor to handle events of the given types, unless this process only serves the API. */
  async start(
    name: string,
    handles: readonly string[],
    handle: (events: RecordedDomainEvent[], stopping: AbortSignal) => Promise<void>,
  ): Promise<void> {
    this.known.add(name);
    if (this.config.role === 'api' || this.runners.has(name)) return;
    const runner = new SubscriptionRunner(this.client, this.serializer, this.checkpoints, {
      name,
      handles,
      handle,
      parking: { store: this.parked, afterAttempts: this.config.parkAfterAttempts },
      log: (message) => this.logger.warn(message),
    });
    const consumer = new LeasedConsumer(runner, this.leases, this.checkpoints, {
      board: this.board,
      log: this.logger,
    });
    this.runners.set(name, consumer);
    await consumer.start();
  }

  /** True while the reactor runs in this process: for work only its holder may do (timers). */
  holds(name: string): boolean {
    return this.runners.get(name)?.holds() ?? false;
  }

  names(): string[] {
    return [...this.known];
  }

  status(): SubscriptionStatus[] {
    return [...this.runners.values()].map((runner) => runner.status());
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
  }
}
