import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { AllStreamResolvedEvent, EventStoreDBClient, START } from '@eventstore/db-client';
import { EventSerializer } from '../event-store/event-serializer';
import { RecordedDomainEvent } from '../event-store/event-metadata';
import { Backoff } from './backoff';
import { DOMAIN_EVENTS, RECORDED_EVENTS } from './domain-events';
import { AllPosition, CheckpointStore } from './checkpoint-store';
import { LeaseLostError } from './consumer-leases';
import { asError, Replay, replayRequested } from './parked-event-replay';
import { ParkedEvents } from './parked-events';
import { RateMeter } from './rate-meter';
import { observeEventHandling, withEventLogFields } from '../../observability/logging/event-logging';

/**
 * `standby`: run under a lease that another process holds (see `LeasedConsumer`). A projection
 * may also be `paused`, `rebuilding`, or `outdated` (its read model has a later version than
 * this process runs).
 */
export type SubscriptionState =
  | 'starting'
  | 'catching-up'
  | 'live'
  | 'retrying'
  | 'stopped'
  | 'standby'
  | 'paused'
  | 'rebuilding'
  | 'outdated';

/** A projection's blue/green rebuild, as it goes. */
export interface RebuildProgress {
  version: number;
  reason: string;
  startedAt?: Date;
  /** The position the new read model has reached, or -1 before its first event. */
  position: bigint;
  /** Events it has passed since it (re)started in the process running it. */
  events: number;
  eventsPerSecond: number;
  /** How fast the position moves, in its own units: for a time left. */
  positionsPerSecond: number;
}

export interface SubscriptionStatus {
  name: string;
  state: SubscriptionState;
  /** Commit position of the last event handled, or -1 before the first. */
  position: bigint;
  lastError?: string;
  /** Events parked and not replayed or discarded yet. */
  parked: number;
  /** Under a lease: the id of the worker process running it, as last seen; none while it is free. */
  holder?: string;
  /** Events passed (handled, or not of its types) per second, over the last few seconds. */
  eventsPerSecond: number;
  /** Events passed since it last started. */
  eventsSinceStart: number;
  /** A projection's version, and its rebuild under way. */
  version?: number;
  rebuild?: RebuildProgress;
}

/** The lease a runner runs under, when consumers are shared by several processes. */
export interface RunnerLease {
  /** Its fencing token: every checkpoint is stored under it, and refused once a later one is out. */
  token: number;
  /** Resolves while this process still holds the consumer; rejects with `LeaseLostError` once not. */
  check(): Promise<void>;
}

export interface ParkingOptions {
  store: ParkedEvents;
  /** How many times a failing batch, then each of its events on its own, is tried before parking. */
  afterAttempts: number;
  /** How often the store is asked for the parked count and for replays asked from elsewhere. */
  pollMs?: number;
  /** The consumer its events are parked under; by default the runner's name. */
  consumer?: string;
  /**
   * False for a runner that parks but leaves replays to another (a rebuild, beside the consumer
   * it will replace): it only counts what is parked. A function is asked before each check: a
   * live read model puts replays off while its replacement is being built.
   */
  replays?: boolean | (() => boolean);
}

export interface SubscriptionRunnerOptions {
  /** Also the checkpoint's key. */
  name: string;
  /**
   * Handles a batch in order; throwing retries the same batch after a backoff. `stopping` is
   * aborted when the runner stops: a handler waiting on something slow gives up (the batch is
   * delivered again at the next start).
   */
  handle(events: RecordedDomainEvent[], stopping: AbortSignal): Promise<void>;
  /**
   * With it, a batch failing `afterAttempts` times is handled one event at a time: an event that
   * fails as often on its own is parked and passed by, and the others are applied in order.
   * Without it, a failing batch is retried until it passes.
   */
  parking?: ParkingOptions;
  /** Applies parked events again when asked; by default `handle`, one event at a time. */
  replay?: Replay;
  /**
   * The event types `handle` acts on; it is given no others. Passing a batch of only other
   * events stores the checkpoint at most once a second (`idleCheckpointMs`), not once a batch.
   */
  handles?: readonly string[];
  /** Also the command records of IdempotencyKeys, beside the domain events. */
  commandRecords?: boolean;
  /** Events as stored, their personal data still encrypted (see `ProjectionDefinition.sealed`). */
  sealed?: boolean;
  /**
   * False for a consumer going over old events again (a rebuild): its handling joins no trace, so
   * that the traces of past requests do not grow a span per event each time.
   */
  traced?: boolean;
  idleCheckpointMs?: number;
  batchSize?: number;
  /** Backoff bounds (before jitter) for reconnecting and for retrying a failing batch. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  log?: (message: string) => void;
}

interface Pending {
  event: RecordedDomainEvent | undefined;
  position: AllPosition;
}

/**
 * A catch-up subscription to `$all` with a durable checkpoint. Events are handled in batches and
 * the checkpoint is stored after each batch, so a crash re-delivers at most the last batch:
 * handlers must be idempotent. It resumes from the last handled event and skips anything at or
 * before it, so neither a server checkpoint nor a re-delivery can skip or repeat an event.
 */
export class SubscriptionRunner extends EventEmitter {
  private state: SubscriptionState = 'stopped';
  private position: AllPosition | undefined;
  private lastError: string | undefined;
  private buffer: Pending[] = [];
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private subscription: ReturnType<EventStoreDBClient['subscribeToAll']> | undefined;
  private subscriptionError: Error | undefined;
  private stopping = false;
  /** Cuts short any backoff wait when the runner stops. */
  private stopSignal = new AbortController();
  private readonly batchSize: number;
  private readonly handles: ReadonlySet<string> | undefined;
  private idleSave: NodeJS.Timeout | undefined;
  private readonly minBackoff: number;
  private readonly maxBackoff: number;
  private parked = 0;
  private parkedCheckDue = false;
  private parkedPoll: NodeJS.Timeout | undefined;
  private lease: RunnerLease | undefined;
  private readonly rate = new RateMeter();
  private eventsSinceStart = 0;

  private readonly serializer: EventSerializer;

  constructor(
    private readonly client: EventStoreDBClient,
    serializer: EventSerializer,
    private readonly checkpoints: CheckpointStore,
    private readonly options: SubscriptionRunnerOptions,
  ) {
    super();
    this.serializer = options.sealed ? serializer.withoutReveal() : serializer;
    // Every query waiting for a position listens until it is reached or times out.
    this.setMaxListeners(0);
    this.batchSize = options.batchSize ?? 500;
    this.handles = options.handles && new Set(options.handles);
    this.minBackoff = options.minBackoffMs ?? 100;
    this.maxBackoff = options.maxBackoffMs ?? 10_000;
  }

  get name(): string {
    return this.options.name;
  }

  status(): SubscriptionStatus {
    return {
      name: this.options.name,
      state: this.state,
      position: this.position?.commit ?? -1n,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      parked: this.parked,
      eventsPerSecond: this.rate.perSecond(),
      eventsSinceStart: this.eventsSinceStart,
    };
  }

  /** Live, with every event delivered so far handled: at the head of `$all` as last told. */
  caughtUp(): boolean {
    return this.state === 'live' && this.buffer.length === 0;
  }

  /**
   * With a lease, the lease is checked before every batch and every replay, and each checkpoint
   * is stored under its token: once the consumer has been taken over, this runner handles no
   * further batch, stores no checkpoint, and stops itself (`lease-lost`).
   */
  async start(lease?: RunnerLease): Promise<void> {
    if (this.running) return;
    this.lease = lease;
    this.stopping = false;
    this.stopSignal = new AbortController();
    this.state = 'starting';
    this.eventsSinceStart = 0;
    this.position = await this.checkpoints.load(this.options.name);
    await this.watchParkedEvents();
    this.running = this.run();
    // The stored checkpoint may be past what this runner last reached (a rebuild swapped in).
    if (this.position) this.emit('progress', this.position);
  }

  /** Stops after the batch in hand; its checkpoint is stored before this resolves. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.stopSignal.abort();
    await this.subscription?.unsubscribe().catch(() => undefined);
    this.wake?.();
    await this.running;
    this.running = undefined;
    clearInterval(this.parkedPoll);
    this.options.parking?.store.off('replay-requested', this.onReplayRequested);
    await this.saveIdleCheckpoint();
    this.lease = undefined;
    this.state = 'stopped';
  }

  /** True once an event at or after `commit` has been handled; false if the deadline passes first. */
  waitFor(commit: bigint, timeoutMs: number): Promise<boolean> {
    if ((this.position?.commit ?? -1n) >= commit) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onProgress = () => {
        if ((this.position?.commit ?? -1n) < commit) return;
        clearTimeout(timer);
        this.off('progress', onProgress);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.off('progress', onProgress);
        resolve(false);
      }, timeoutMs);
      this.on('progress', onProgress);
    });
  }

  private async run(): Promise<void> {
    const backoff = new Backoff(this.minBackoff, this.maxBackoff);
    while (!this.stopping) {
      try {
        this.subscribe();
        await this.consume();
        backoff.reset();
      } catch (error) {
        if (this.stopping) break;
        this.fail(error);
        if (error instanceof LeaseLostError) {
          // Another process runs the consumer now: not a failure to retry.
          this.stopping = true;
          this.emit('lease-lost');
          break;
        }
        await this.pause(backoff.next());
      } finally {
        await this.subscription?.unsubscribe().catch(() => undefined);
        this.subscription = undefined;
        this.buffer = [];
      }
    }
  }

  private subscribe(): void {
    this.state = 'catching-up';
    const subscription = this.client.subscribeToAll({
      fromPosition: this.position ?? START,
      filter: this.options.commandRecords ? RECORDED_EVENTS : DOMAIN_EVENTS,
    });
    this.subscription = subscription;
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      const recorded = resolved.event;
      if (!recorded?.position) return;
      this.buffer.push({ event: this.serializer.deserialize(resolved), position: recorded.position });
      if (this.buffer.length >= this.batchSize * 2) subscription.pause();
      this.wake?.();
    });
    subscription.on('caughtUp', () => {
      if (this.state === 'catching-up') this.state = 'live';
      this.emit('caught-up');
    });
    subscription.on('error', (error: Error) => {
      this.subscriptionError = error;
      this.wake?.();
    });
    subscription.on('end', () => {
      this.subscriptionError ??= new Error('subscription ended');
      this.wake?.();
    });
  }

  private async consume(): Promise<void> {
    this.subscriptionError = undefined;
    while (!this.stopping) {
      if (this.subscriptionError) throw this.subscriptionError;
      if (this.parkedCheckDue) {
        this.parkedCheckDue = false;
        await this.lease?.check();
        await this.checkParkedEvents();
        continue;
      }
      if (this.buffer.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      // A process paused past its lease (a long GC, a frozen VM) finds out here, before acting again.
      await this.lease?.check();
      const batch = this.buffer.splice(0, this.batchSize);
      if (this.subscription?.isPaused() && this.buffer.length < this.batchSize) this.subscription.resume();
      await this.handleBatch(batch);
    }
  }

  private async handleBatch(batch: Pending[]): Promise<void> {
    const last = this.position?.commit ?? -1n;
    const fresh = batch.filter((p) => p.position.commit > last);
    if (fresh.length === 0) return;
    const relevant = fresh.flatMap((p) =>
      p.event && (!this.handles || this.handles.has(p.event.type)) ? [p.event] : [],
    );
    const events = await this.serializer.reveal(relevant);
    if (events.length > 0) await this.handleOrPark(events, fresh);
    const position = fresh[fresh.length - 1].position;
    if (events.length > 0) {
      clearTimeout(this.idleSave);
      this.idleSave = undefined;
      await this.checkpoints.save(this.options.name, position, this.lease?.token);
    } else {
      // Nothing was done: losing this position to a crash only means passing these events again.
      this.idleSave ??= setTimeout(
        () => void this.saveIdleCheckpoint(),
        this.options.idleCheckpointMs ?? 1000,
      );
    }
    this.position = position;
    this.rate.record(fresh.length);
    this.eventsSinceStart += fresh.length;
    this.lastError = undefined;
    if (this.state === 'retrying') this.state = 'catching-up';
    this.emit('progress', position);
  }

  /**
   * Retries a failing batch with backoff. With parking, once it has failed `afterAttempts` times,
   * its events are handled one at a time, each tried as often before it is parked.
   */
  private async handleOrPark(events: RecordedDomainEvent[], batch: Pending[]): Promise<void> {
    const parking = this.options.parking;
    const failure = await this.attempt(events, parking?.afterAttempts ?? Infinity);
    if (!failure || !parking) return;
    const positions = new Map(batch.map((p) => [p.event?.eventId, p.position]));
    for (const event of events) {
      const error = events.length === 1 ? failure : await this.attempt([event], parking.afterAttempts);
      if (!error) continue;
      // Long retries may have outlived the lease: the new holder decides what to park.
      await this.lease?.check();
      await parking.store.park(
        this.parkedAs,
        event,
        positions.get(event.eventId)!,
        error.message,
        parking.afterAttempts,
      );
      this.parked++;
      withEventLogFields(this.name, [event], () =>
        this.options.log?.(
          `subscription ${this.name}: parked ${event.type} ${event.eventId} (position ${event.position}) after ${parking.afterAttempts} attempts: ${error.message}`,
        ),
      );
    }
  }

  /** Tries up to `attempts` times with backoff: the last error if every try failed. */
  private async attempt(events: RecordedDomainEvent[], attempts: number): Promise<Error | undefined> {
    const backoff = new Backoff(this.minBackoff, this.maxBackoff);
    for (let attempt = 1; ; attempt++) {
      try {
        await observeEventHandling(
          this.name,
          events,
          () => this.options.handle(events, this.stopSignal.signal),
          this.options.traced,
        );
        return undefined;
      } catch (error) {
        if (this.stopping) throw error;
        withEventLogFields(this.name, events, () => this.fail(error));
        if (attempt >= attempts) return asError(error);
        this.state = 'retrying';
        await this.pause(backoff.next());
        if (this.stopping) throw asError(error);
      }
    }
  }

  private async watchParkedEvents(): Promise<void> {
    const parking = this.options.parking;
    if (!parking) return;
    await parking.store.prepare();
    this.parkedCheckDue = true;
    parking.store.on('replay-requested', this.onReplayRequested);
    this.parkedPoll = setInterval(() => this.dueParkedCheck(), parking.pollMs ?? 1000);
    this.parkedPoll.unref();
  }

  private get parkedAs(): string {
    return this.options.parking?.consumer ?? this.name;
  }

  private readonly onReplayRequested = (consumer: string) => {
    if (consumer === this.parkedAs) this.dueParkedCheck();
  };

  private dueParkedCheck(): void {
    this.parkedCheckDue = true;
    this.wake?.();
  }

  /** Between batches: replays what was asked for, and counts what is parked. */
  private async checkParkedEvents(): Promise<void> {
    const parking = this.options.parking!;
    const replays = typeof parking.replays === 'function' ? parking.replays() : parking.replays !== false;
    if (this.position && replays) {
      await replayRequested(this.parkedAs, this.position.commit, {
        client: this.client,
        serializer: this.serializer,
        parked: parking.store,
        replay: this.options.replay ?? this.replayOneByOne,
        stopping: this.stopSignal.signal,
      });
    }
    this.parked = await parking.store.count(this.parkedAs);
  }

  private readonly replayOneByOne: Replay = async (events, { stopping }) => {
    const failures = new Map<string, Error>();
    for (const event of events) {
      try {
        await observeEventHandling(
          this.name,
          [event],
          () => this.options.handle([event], stopping),
          this.options.traced,
        );
      } catch (error) {
        if (this.stopping) throw error;
        failures.set(event.eventId, asError(error));
      }
    }
    return failures;
  };

  /** Stores the position reached by passing events by, if it is not stored yet. */
  private async saveIdleCheckpoint(): Promise<void> {
    if (!this.idleSave) return;
    clearTimeout(this.idleSave);
    this.idleSave = undefined;
    if (this.position)
      await this.checkpoints
        .save(this.options.name, this.position, this.lease?.token)
        .catch((error) => this.fail(error));
  }

  private pause(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.stopSignal.signal }).catch(() => undefined);
  }

  private fail(error: unknown): void {
    this.lastError = error instanceof Error ? error.message : String(error);
    this.options.log?.(`subscription ${this.options.name}: ${this.lastError}`);
  }
}
