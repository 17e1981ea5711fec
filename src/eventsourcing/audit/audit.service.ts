import { Inject, Injectable } from '@nestjs/common';
import { BACKWARDS, END, EventStoreDBClient, START, StreamNotFoundError } from '@eventstore/db-client';
import { Db } from 'mongodb';
import { InvalidInputError } from '../../graphql/graphql-error.filter';
import { EventSerializer } from '../event-store/event-serializer';
import { RecordedDomainEvent } from '../event-store/event-metadata';
import { EVENTSTORE_CLIENT, MONGO_DB } from '../tokens';
import { streamNotFound, unknownStreamCategory } from './audit.errors';
import { ActivityQuery, AuditIndexReader, IndexQuery } from './audit-index.reader';
import { CausedEvent, causationTree, CommandNode } from './causation-tree';
import { COMMAND_ACCEPTED, CommandAccepted } from '../deciders/idempotency-keys';
import { StreamDeciders } from './stream-deciders';

/** The most events a correlation trail shows. */
export const TRAIL_LIMIT = 1000;
/** Events read from a stream per call while folding it. */
const FOLD_CHUNK = 1000;
/** How many of the events folded a state shows: the stream's history has them all, paged. */
const SHOWN = 100;

export interface CorrelationTrail {
  correlationId: string;
  events: RecordedDomainEvent[];
  tree: CommandNode[];
  /** More events share the correlation id than the trail shows. */
  truncated: boolean;
}

export interface StreamStateAt {
  streamId: string;
  /** The revision of the last event folded; -1 when the stream had none yet. */
  revision: bigint;
  state: unknown;
  /** How many events were folded. */
  eventCount: number;
  /** The last events folded, oldest first. */
  events: RecordedDomainEvent[];
}

/**
 * What happened, when, who did it and what caused it. Lookups across streams read the audit
 * index; a stream's own history and its states are read from the event store.
 */
@Injectable()
export class AuditService {
  private readonly index: AuditIndexReader;

  constructor(
    @Inject(EVENTSTORE_CLIENT) private readonly client: EventStoreDBClient,
    @Inject(MONGO_DB) db: Db,
    private readonly serializer: EventSerializer,
    private readonly deciders: StreamDeciders,
  ) {
    this.index = new AuditIndexReader(db);
  }

  async streamHistory(streamId: string, fromRevision: bigint, limit: number): Promise<RecordedDomainEvent[]> {
    const events: RecordedDomainEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision, maxCount: limit })) {
        const event = this.serializer.deserialize(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return this.shown(events);
  }

  /**
   * Who appended a stream's first event, as its metadata says; undefined for no one or no stream.
   * A command's record stream belongs to whoever started the stream the command was for, as in
   * the trails (see `ofStreamsStartedBy`).
   */
  async creatorOf(streamId: string): Promise<string | undefined> {
    let first: RecordedDomainEvent | undefined;
    try {
      // Read to the end (of one event): leaving the loop early would leave the call open.
      for await (const resolved of this.client.readStream(streamId, { fromRevision: START, maxCount: 1 })) {
        first = this.serializer.deserialize(resolved);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    if (first?.type === COMMAND_ACCEPTED)
      return this.creatorOf((first.data as CommandAccepted['data']).streamId);
    return first?.metadata.userId;
  }

  async auditEvents(query: IndexQuery): Promise<RecordedDomainEvent[]> {
    if (query.after !== undefined && query.after > (await this.headPosition())) {
      throw new InvalidInputError([
        { field: 'after', problems: ['after must be a position this store has reached'] },
      ]);
    }
    return this.shown(await this.index.events(query));
  }

  /**
   * Every event of one flow in `$all` order, and which command or event caused which. Given a
   * viewer, only the events of streams the viewer started.
   */
  async correlationTrail(correlationId: string, viewer?: string): Promise<CorrelationTrail> {
    const found = await this.index.correlation(correlationId, TRAIL_LIMIT + 1);
    const truncated = found.length > TRAIL_LIMIT;
    let events = found.slice(0, TRAIL_LIMIT);
    if (viewer !== undefined) events = await this.ofStreamsStartedBy(viewer, events);
    events = await this.shown(events);
    const tree = causationTree(events.map(causedEvent));
    return { correlationId, events, tree, truncated: truncated && events.length > 0 };
  }

  /**
   * A page of a user's events, newest first, whether another page follows and where it starts;
   * given a viewer, as above.
   */
  async userActivity(
    query: ActivityQuery,
    viewer?: string,
  ): Promise<{ events: RecordedDomainEvent[]; hasNextPage: boolean; endCursor: string | null }> {
    const found = await this.index.activity({ ...query, limit: query.limit + 1 });
    const page = found.slice(0, query.limit);
    const events = viewer === undefined ? page : await this.ofStreamsStartedBy(viewer, page);
    // The page ends after the last event read, shown or not, so that the next one goes on from it.
    const endCursor = page.length > 0 ? String(page[page.length - 1].position) : null;
    return { events: await this.shown(events), hasNextPage: found.length > query.limit, endCursor };
  }

  /**
   * The events a user may see in the audit trail: those of the streams they started. A command's
   * record counts as part of the stream the command was for.
   */
  private async ofStreamsStartedBy(
    viewer: string,
    events: RecordedDomainEvent[],
  ): Promise<RecordedDomainEvent[]> {
    const streamOf = (event: RecordedDomainEvent) =>
      event.type === COMMAND_ACCEPTED ? (event.data as CommandAccepted['data']).streamId : event.streamId;
    const creators = await this.index.creators(events.map(streamOf));
    return events.filter((event) => creators.get(streamOf(event)) === viewer);
  }

  /** Events as the audit trail shows them: decrypted where their person is known, confidential fields redacted. */
  private async shown(events: RecordedDomainEvent[]): Promise<RecordedDomainEvent[]> {
    return this.serializer.redact(await this.serializer.reveal(events));
  }

  /**
   * A stream's state as its own decider folds it, up to a revision or to the last event recorded
   * at or before a moment, with the last events that led there.
   */
  async streamStateAt(streamId: string, until: { revision: bigint } | { at: Date }): Promise<StreamStateAt> {
    const decider = this.deciders.of(streamId);
    if (!decider) throw unknownStreamCategory(streamId, this.deciders.categories);
    const folds = (event: RecordedDomainEvent) =>
      'revision' in until ? event.revision <= until.revision : event.recordedAt <= until.at;
    let state = decider.initialState;
    let revision = -1n;
    let eventCount = 0;
    let last: RecordedDomainEvent[] = [];
    let from = 0n;
    for (;;) {
      const chunk = await this.readChunk(streamId, from);
      if (chunk === undefined) throw streamNotFound(streamId);
      const events = await this.shown(chunk.events.filter(folds));
      for (const event of events) state = decider.evolve(state, event);
      if (events.length > 0) revision = events[events.length - 1].revision;
      eventCount += events.length;
      last = [...last, ...events].slice(-SHOWN);
      const done = events.length < chunk.events.length || chunk.read < FOLD_CHUNK;
      if (done) break;
      from += BigInt(chunk.read);
    }
    if ('revision' in until && revision < until.revision) {
      throw new InvalidInputError([
        {
          field: 'revision',
          problems: [`revision must be one this stream has reached: it ends at ${revision}`],
        },
      ]);
    }
    return { streamId, revision, state: asJson(state), eventCount, events: last };
  }

  /** Up to FOLD_CHUNK events of a stream from a revision; undefined when there is no such stream. */
  private async readChunk(
    streamId: string,
    from: bigint,
  ): Promise<{ events: RecordedDomainEvent[]; read: number } | undefined> {
    const events: RecordedDomainEvent[] = [];
    let read = 0;
    try {
      for await (const resolved of this.client.readStream(streamId, {
        fromRevision: from,
        maxCount: FOLD_CHUNK,
      })) {
        read++;
        const event = this.serializer.deserialize(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
    return { events, read };
  }

  /** The commit position of the newest event in the store. */
  private async headPosition(): Promise<bigint> {
    let head = -1n;
    for await (const resolved of this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
    })) {
      head = resolved.event!.position.commit;
    }
    return head;
  }
}

const causedEvent = (event: RecordedDomainEvent): CausedEvent => ({
  ...event,
  commandId: event.metadata.commandId,
  causationId: event.metadata.causationId,
  ...(event.type === COMMAND_ACCEPTED
    ? { commandType: (event.data as CommandAccepted['data']).commandType }
    : {}),
});

/** A state as JSON shows it: the snapshots of long streams keep states in the same form. */
const asJson = (state: unknown): unknown =>
  JSON.parse(
    JSON.stringify(state, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)),
  );
