import { BACKWARDS, END, EventStoreDBClient, Position } from '@eventstore/db-client';
import { CheckpointStore } from '../subscriptions/checkpoint-store';
import { ConsumerBoard, PublishedStatus } from '../subscriptions/consumer-board';
import { ConsumerLeaseDocument, ConsumerLeases } from '../subscriptions/consumer-leases';
import { isDomainEventType, isRecordedEventType } from '../subscriptions/domain-events';
import { ParkedEvents } from '../subscriptions/parked-events';
import { SubscriptionState, SubscriptionStatus } from '../subscriptions/subscription-runner';
import { AnyProjection } from './projection-definition';
import { ProjectionRecord, ProjectionRegistry } from './projection-registry';
import { projectionConsumer, rebuildCheckpoint } from './projection-runner';

export type ConsumerKind = 'projection' | 'reactor' | 'process';
export type ConsumerState = 'CATCHING_UP' | 'LIVE' | 'PAUSED' | 'REBUILDING' | 'FAILED' | 'STOPPED';

/** Lags are counted up to this many events: past it, `lag` means at least that many. */
export const LAG_COUNT_LIMIT = 10_000;
const PAGE = 500;
/** A subscription this close to the head is live (a batch or two behind at most). */
export const LIVE_WITHIN = 1000;

export interface RebuildView {
  version: number;
  reason: string;
  startedAt?: Date;
  /** The position the new read model has reached; -1 before its first event. */
  position: bigint;
  /** Of the way from the start of `$all` to the head, by position. */
  percent: number;
  /** Events passed since it (re)started in the worker running it. */
  events: number;
  eventsPerSecond: number;
  /** At the current pace; undefined before there is one. */
  etaSeconds?: number;
}

/** One consumer, wherever it runs. */
export interface ConsumerView {
  name: string;
  kind: ConsumerKind;
  /** A projection's own name and version. */
  projection?: string;
  version?: number;
  state: ConsumerState;
  /** The last event it handled, or undefined before its first. */
  checkpoint?: bigint;
  /** The last domain event in the store. */
  head?: bigint;
  /**
   * Domain events after its checkpoint (every recorded event, for a projection of them all),
   * counted up to `LAG_COUNT_LIMIT`.
   */
  lag: number;
  eventsPerSecond: number;
  parked: number;
  lastError?: string;
  /** The worker process running it; none while nobody does. */
  holder?: string;
  rebuild?: RebuildView;
}

/** Consumers this process runs, and who it is. */
export interface LocalConsumers {
  holder: string;
  status(): SubscriptionStatus[];
  /** Consumers known here that may run elsewhere (reactors of the API role, say). */
  names(): string[];
}

const STATES: Record<SubscriptionState, ConsumerState> = {
  starting: 'CATCHING_UP',
  'catching-up': 'CATCHING_UP',
  live: 'LIVE',
  retrying: 'FAILED',
  outdated: 'FAILED',
  paused: 'PAUSED',
  rebuilding: 'REBUILDING',
  stopped: 'STOPPED',
  standby: 'STOPPED',
};

/**
 * The status of every consumer (projections, reactors, process managers), from any process: what
 * this process runs itself, what the other workers publish, and, for what nobody runs, the
 * durable checkpoint. Lags are counted by reading `$all` backwards from its end.
 */
export class ConsumerOverview {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly stores: {
      registry: ProjectionRegistry;
      board: ConsumerBoard;
      leases: ConsumerLeases;
      checkpoints: CheckpointStore;
      parked: ParkedEvents;
    },
    private readonly definitions: AnyProjection[],
    private readonly local: LocalConsumers,
  ) {}

  async all(): Promise<ConsumerView[]> {
    const { registry, board, leases } = this.stores;
    const [records, published, leaseDocs] = await Promise.all([
      registry.all(),
      board.all(),
      leases.collection.find({}).toArray(),
    ]);
    const running = new Map(
      this.local
        .status()
        .filter((status) => status.holder === this.local.holder && status.state !== 'standby')
        .map((status) => [status.name, status]),
    );
    const names = new Set([
      ...this.definitions.map((definition) => projectionConsumer(definition.name)),
      ...this.local.names(),
      ...published.map((status) => status._id),
    ]);
    const sorted = [...names].sort(byKindThenName);
    const paces = new Map<string, number>();
    const views = await Promise.all(
      sorted.map((name) =>
        this.view(name, paces, {
          local: running.get(name),
          published: published.find((status) => status._id === name),
          lease: leaseDocs.find((lease) => lease._id === name),
          record: records.find((record) => projectionConsumer(record._id) === name),
        }),
      ),
    );
    await this.countLags(views, paces);
    return views;
  }

  async one(name: string): Promise<ConsumerView | undefined> {
    return (await this.all()).find((view) => view.name === name);
  }

  private async view(
    name: string,
    paces: Map<string, number>,
    sources: {
      local?: SubscriptionStatus;
      published?: PublishedStatus;
      lease?: ConsumerLeaseDocument;
      record?: ProjectionRecord;
    },
  ): Promise<ConsumerView> {
    const { local, lease, record } = sources;
    const definition = this.definitions.find((d) => projectionConsumer(d.name) === name);
    const held = lease?.holder && lease.expiresAt.getTime() > Date.now() ? lease.holder : undefined;
    const published = held && sources.published?.holder === held ? sources.published : undefined;
    // A runner not started yet here (a paused projection, one rebuilt for a new version) has no position.
    const checkpoint =
      local && local.position >= 0n
        ? local.position
        : ((await this.stores.checkpoints.load(name))?.commit ?? -1n);
    const view: ConsumerView = {
      name,
      kind: kindOf(name),
      ...(definition ? { projection: definition.name, version: definition.version } : {}),
      state: 'STOPPED',
      ...(checkpoint >= 0n ? { checkpoint } : {}),
      lag: 0,
      eventsPerSecond: 0,
      parked: local?.parked ?? (await this.stores.parked.count(name)),
    };
    const status = local ?? published;
    if (status) {
      view.state = STATES[status.state];
      view.eventsPerSecond = status.eventsPerSecond;
      if (status.lastError) view.lastError = status.lastError;
      if (status.version !== undefined) view.version = status.version;
      view.holder = local ? this.local.holder : held;
      const rebuild = status.rebuild;
      if (rebuild) {
        view.rebuild = {
          version: rebuild.version,
          reason: rebuild.reason,
          ...(rebuild.startedAt ? { startedAt: rebuild.startedAt } : {}),
          position: BigInt(rebuild.position),
          percent: 0,
          events: rebuild.events,
          eventsPerSecond: rebuild.eventsPerSecond,
        };
        paces.set(name, rebuild.positionsPerSecond);
      }
    } else if (record?.paused) {
      view.state = 'PAUSED';
    }
    // Asked for and not started yet (no worker, or paused), or paused half-way: as recorded.
    if (!view.rebuild && record?.rebuild) {
      const { version, reason, startedAt } = record.rebuild;
      view.rebuild = {
        version,
        reason,
        ...(startedAt ? { startedAt } : {}),
        position: -1n,
        percent: 0,
        events: 0,
        eventsPerSecond: 0,
      };
    }
    if (view.rebuild && view.rebuild.position < 0n && definition) {
      const reached = await this.stores.checkpoints.load(rebuildCheckpoint(definition.name));
      if (reached) view.rebuild.position = reached.commit;
    }
    view.eventsPerSecond = Math.round(view.eventsPerSecond * 10) / 10;
    return view;
  }

  /** Reads `$all` backwards until every checkpoint is passed, or `LAG_COUNT_LIMIT` events. */
  private async countLags(views: ConsumerView[], paces: Map<string, number>): Promise<void> {
    // Domain events, and every recorded event (command records too) for what reads them all.
    const domain: bigint[] = [];
    const recorded: bigint[] = [];
    if (views.length === 0) return;
    const lowest = views
      .map((view) => view.checkpoint ?? -1n)
      .reduce((low, checkpoint) => (checkpoint < low ? checkpoint : low));
    let from: Position | typeof END = END;
    for (;;) {
      const { events: page, read } = await this.readBackwards(from);
      for (const { type, position } of page) {
        if (isRecordedEventType(type)) recorded.push(position.commit);
        if (isDomainEventType(type)) domain.push(position.commit);
      }
      const last = page[page.length - 1];
      if (read < PAGE || !last || last.position.commit <= lowest || domain.length > LAG_COUNT_LIMIT) break;
      from = last.position;
    }
    for (const view of views) {
      const readsAll = this.definitions.some((d) => d.name === view.projection && d.handles === 'all');
      const positions = readsAll ? recorded : domain;
      const head = positions[0];
      if (head === undefined) continue;
      view.head = head;
      const checkpoint = view.checkpoint ?? -1n;
      const after = positions.findIndex((position) => position <= checkpoint);
      view.lag = Math.min(after === -1 ? positions.length : after, LAG_COUNT_LIMIT);
      // A subscription is live once it is at the head, whatever its server says while it is flooded.
      if (view.state === 'LIVE' || view.state === 'CATCHING_UP')
        view.state = view.lag < LIVE_WITHIN ? 'LIVE' : 'CATCHING_UP';
      if (view.rebuild) estimate(view.rebuild, head, paces.get(view.name) ?? 0);
    }
  }

  /** One page, strictly before `from`, read to its end. */
  private async readBackwards(from: Position | typeof END) {
    const events: { type: string; position: Position }[] = [];
    let read = 0;
    for await (const resolved of this.client.readAll({
      direction: BACKWARDS,
      fromPosition: from,
      maxCount: PAGE,
    })) {
      read++;
      const event = resolved.event;
      if (!event?.position) continue;
      if (from !== END && event.position.commit >= from.commit) continue;
      events.push({ type: event.type, position: event.position });
    }
    return { events, read };
  }
}

/** How far a rebuild is, by position, and how long it has left at `pace` positions a second. */
function estimate(rebuild: RebuildView, head: bigint, pace: number): void {
  const reached = rebuild.position < 0n ? 0n : rebuild.position;
  rebuild.percent = head > 0n ? Math.min(100, Number((reached * 10_000n) / head) / 100) : 100;
  if (pace > 0) rebuild.etaSeconds = Math.max(0, Math.round(Number(head - reached) / pace));
}

const kindOf = (name: string): ConsumerKind =>
  name.startsWith('projection:') ? 'projection' : name.startsWith('process:') ? 'process' : 'reactor';

const KIND_ORDER: ConsumerKind[] = ['projection', 'reactor', 'process'];
const byKindThenName = (a: string, b: string): number =>
  KIND_ORDER.indexOf(kindOf(a)) - KIND_ORDER.indexOf(kindOf(b)) || a.localeCompare(b);
