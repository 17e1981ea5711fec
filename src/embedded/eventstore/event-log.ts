import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  AllStart,
  Direction,
  ExpectedRevision,
  ProposedEvent,
  StoredEvent,
  StreamReadOutcome,
  StreamStart,
  WriteOutcome,
} from './event-log.types';

/** The largest total of data and metadata one append may carry, as on EventStoreDB. */
export const MAX_APPEND_SIZE = 1024 * 1024;
export const TOMBSTONE_EVENT_TYPE = '$streamDeleted';
export const METADATA_EVENT_TYPE = '$metadata';
const RECORD_OVERHEAD = 64;

interface StreamState {
  lastRevision: number;
  /** Revisions below this are hidden from stream reads (soft delete, `$tb` metadata). */
  truncateBefore: number;
  tombstoned: boolean;
}

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  content_type: string;
  data: Buffer;
  metadata: Buffer;
  created: number;
}

export type AppendListener = (events: StoredEvent[]) => void;

export const metadataStreamOf = (streamId: string): string => `$$${streamId}`;

/**
 * The durable event log: one SQLite database in WAL mode (or in memory), written by one thread.
 * Every write is one transaction, so an append is all-or-nothing, and with WAL an acknowledged
 * append survives the process being killed.
 */
export class EventLog {
  private readonly db: Database.Database;
  private readonly streams = new Map<string, StreamState>();
  private readonly listeners = new Set<AppendListener>();
  private nextPosition = 0;
  private readonly stmt: ReturnType<EventLog['prepareStatements']>;

  constructor(dataDir?: string) {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    this.db = new Database(dataDir ? join(dataDir, 'events.sqlite') : ':memory:');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        position INTEGER PRIMARY KEY,
        stream_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        content_type TEXT NOT NULL,
        data BLOB NOT NULL,
        metadata BLOB NOT NULL,
        created INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS events_by_stream ON events (stream_id, revision);
      CREATE INDEX IF NOT EXISTS events_by_id ON events (event_id);
      CREATE TABLE IF NOT EXISTS streams (
        stream_id TEXT PRIMARY KEY,
        last_revision INTEGER NOT NULL,
        truncate_before INTEGER NOT NULL,
        tombstoned INTEGER NOT NULL
      );
    `);
    this.stmt = this.prepareStatements();
    this.load();
  }

  private prepareStatements() {
    const db = this.db;
    return {
      insert: db.prepare(
        `INSERT INTO events (position, stream_id, revision, event_id, type, content_type, data, metadata, created)
         VALUES (@position, @streamId, @revision, @eventId, @type, @contentType, @data, @metadata, @created)`,
      ),
      saveStream: db.prepare(
        `INSERT INTO streams (stream_id, last_revision, truncate_before, tombstoned) VALUES (?, ?, ?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET last_revision = excluded.last_revision,
           truncate_before = excluded.truncate_before, tombstoned = excluded.tombstoned`,
      ),
      findById: db.prepare(`SELECT revision FROM events WHERE event_id = ? AND stream_id = ?`),
      streamRange: db.prepare(
        `SELECT * FROM events WHERE stream_id = ? AND revision >= ? AND revision <= ? ORDER BY revision LIMIT ?`,
      ),
      streamRangeBackwards: db.prepare(
        `SELECT * FROM events WHERE stream_id = ? AND revision >= ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      ),
      allFrom: db.prepare(`SELECT * FROM events WHERE position >= ? ORDER BY position LIMIT ?`),
      allBefore: db.prepare(`SELECT * FROM events WHERE position < ? ORDER BY position DESC LIMIT ?`),
      last: db.prepare(`SELECT * FROM events ORDER BY position DESC LIMIT 1`),
    };
  }

  private load(): void {
    const rows = this.db.prepare('SELECT * FROM streams').all() as {
      stream_id: string;
      last_revision: number;
      truncate_before: number;
      tombstoned: number;
    }[];
    for (const row of rows) {
      this.streams.set(row.stream_id, {
        lastRevision: row.last_revision,
        truncateBefore: row.truncate_before,
        tombstoned: row.tombstoned === 1,
      });
    }
    const last = this.stmt.last.get() as EventRow | undefined;
    this.nextPosition = last ? last.position + recordSize(toEvent(last)) : 0;
  }

  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Open subscriptions (and other listeners) waiting for appends. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** The position the next appended event will get; every stored event lies before it. */
  get headPosition(): number {
    return this.nextPosition;
  }

  append(streamId: string, expected: ExpectedRevision, proposed: ProposedEvent[]): WriteOutcome {
    const size = proposed.reduce((sum, e) => sum + e.data.length + e.metadata.length, 0);
    if (size > MAX_APPEND_SIZE) return { status: 'too_large', maxAppendSize: MAX_APPEND_SIZE };
    const state = this.streams.get(streamId);
    if (state?.tombstoned) return { status: 'stream_deleted' };

    const repeated = this.findRepeatedAppend(streamId, expected, proposed);
    if (repeated) return repeated;

    const current = visibleRevision(state);
    if (!matches(expected, current)) {
      return { status: 'wrong_expected_version', currentRevision: current, expected };
    }
    if (proposed.length === 0) {
      return { status: 'ok', currentRevision: current ?? -1, position: this.nextPosition };
    }
    return this.write(streamId, proposed);
  }

  /** Soft delete: the stream reads as not found; a later append revives it from the next revision. */
  deleteStream(streamId: string, expected: ExpectedRevision): WriteOutcome {
    const state = this.streams.get(streamId);
    if (state?.tombstoned) return { status: 'stream_deleted' };
    const current = visibleRevision(state);
    if (!matches(expected, current)) {
      return { status: 'wrong_expected_version', currentRevision: current, expected };
    }
    const truncateBefore = (state?.lastRevision ?? -1) + 1;
    const metadata = Buffer.from(JSON.stringify({ $tb: truncateBefore }));
    return this.write(metadataStreamOf(streamId), [systemEvent(METADATA_EVENT_TYPE, metadata)]);
  }

  /** Hard delete: the stream can never be read or written again. */
  tombstoneStream(streamId: string, expected: ExpectedRevision): WriteOutcome {
    const state = this.streams.get(streamId);
    if (state?.tombstoned) return { status: 'stream_deleted' };
    const current = visibleRevision(state);
    if (!matches(expected, current)) {
      return { status: 'wrong_expected_version', currentRevision: current, expected };
    }
    return this.write(streamId, [systemEvent(TOMBSTONE_EVENT_TYPE, Buffer.alloc(0))]);
  }

  readStream(
    streamId: string,
    from: StreamStart,
    direction: Direction,
    maxCount: number,
  ): StreamReadOutcome {
    const state = this.streams.get(streamId);
    if (state?.tombstoned) return { status: 'deleted' };
    if (visibleRevision(state) === undefined || !state) return { status: 'not_found' };
    const limit = Math.min(maxCount, Number.MAX_SAFE_INTEGER);
    const lowest = state.truncateBefore;
    if (direction === 'forwards') {
      const start = from.kind === 'revision' ? from.revision : from.kind === 'end' ? state.lastRevision + 1 : 0;
      const rows = this.stmt.streamRange.all(streamId, Math.max(start, lowest), state.lastRevision, limit);
      return { status: 'ok', events: (rows as EventRow[]).map(toEvent) };
    }
    const start = from.kind === 'revision' ? from.revision : from.kind === 'start' ? -1 : state.lastRevision;
    const rows = this.stmt.streamRangeBackwards.all(streamId, lowest, start, limit);
    return { status: 'ok', events: (rows as EventRow[]).map(toEvent) };
  }

  /** Events of a stream after a revision, in order, ignoring soft deletes: for subscriptions. */
  streamEventsAfter(streamId: string, revision: number, limit: number): StoredEvent[] {
    const state = this.streams.get(streamId);
    if (!state) return [];
    const from = Math.max(revision + 1, state.truncateBefore);
    return (this.stmt.streamRange.all(streamId, from, Number.MAX_SAFE_INTEGER, limit) as EventRow[]).map(toEvent);
  }

  isTombstoned(streamId: string): boolean {
    return this.streams.get(streamId)?.tombstoned ?? false;
  }

  lastRevisionOf(streamId: string): number {
    return this.streams.get(streamId)?.lastRevision ?? -1;
  }

  readAll(from: AllStart, direction: Direction, maxCount: number): StoredEvent[] {
    if (direction === 'forwards') {
      const start = from.kind === 'position' ? from.position : from.kind === 'end' ? this.nextPosition : 0;
      return (this.stmt.allFrom.all(start, maxCount) as EventRow[]).map(toEvent);
    }
    const before = from.kind === 'position' ? from.position : from.kind === 'start' ? 0 : this.nextPosition;
    return (this.stmt.allBefore.all(before, maxCount) as EventRow[]).map(toEvent);
  }

  /** Events strictly after a position, in order: for subscriptions. */
  allEventsAfter(position: number, limit: number): StoredEvent[] {
    return (this.stmt.allFrom.all(position + 1, limit) as EventRow[]).map(toEvent);
  }

  close(): void {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }

  private findRepeatedAppend(
    streamId: string,
    expected: ExpectedRevision,
    proposed: ProposedEvent[],
  ): WriteOutcome | undefined {
    if (proposed.length === 0) return undefined;
    let first: number | undefined;
    if (expected.kind === 'exact') first = expected.revision + 1;
    else if (expected.kind === 'no_stream') first = 0;
    else {
      const hit = this.stmt.findById.get(proposed[0].eventId, streamId) as { revision: number } | undefined;
      first = hit?.revision;
    }
    if (first === undefined) return undefined;
    const stored = this.stmt.streamRange.all(
      streamId,
      first,
      first + proposed.length - 1,
      proposed.length,
    ) as EventRow[];
    if (stored.length !== proposed.length) return undefined;
    if (!stored.every((row, i) => row.event_id === proposed[i].eventId)) return undefined;
    const last = stored[stored.length - 1];
    return { status: 'ok', currentRevision: last.revision, position: last.position };
  }

  private write(streamId: string, proposed: ProposedEvent[]): WriteOutcome {
    const previous = this.streams.get(streamId);
    const state: StreamState = previous
      ? { ...previous }
      : { lastRevision: -1, truncateBefore: 0, tombstoned: false };
    const created = Date.now();
    let position = this.nextPosition;
    const events: StoredEvent[] = proposed.map((e) => {
      state.lastRevision += 1;
      const event: StoredEvent = { ...e, position, streamId, revision: state.lastRevision, created };
      position += recordSize(event);
      return event;
    });
    if (events[events.length - 1].type === TOMBSTONE_EVENT_TYPE) state.tombstoned = true;
    const metadataTarget = this.metadataTargetOf(streamId, events);

    this.db.transaction(() => {
      for (const event of events) this.stmt.insert.run(event);
      this.stmt.saveStream.run(streamId, state.lastRevision, state.truncateBefore, state.tombstoned ? 1 : 0);
      if (metadataTarget) {
        const t = metadataTarget.state;
        this.stmt.saveStream.run(metadataTarget.streamId, t.lastRevision, t.truncateBefore, t.tombstoned ? 1 : 0);
      }
    })();

    this.streams.set(streamId, state);
    if (metadataTarget) this.streams.set(metadataTarget.streamId, metadataTarget.state);
    this.nextPosition = position;
    const last = events[events.length - 1];
    for (const listener of this.listeners) listener(events);
    return { status: 'ok', currentRevision: last.revision, position: last.position };
  }

  /** A `$metadata` event in `$$stream` carrying `$tb` moves the stream's truncation point. */
  private metadataTargetOf(
    streamId: string,
    events: StoredEvent[],
  ): { streamId: string; state: StreamState } | undefined {
    if (!streamId.startsWith('$$')) return undefined;
    const last = events[events.length - 1];
    if (last.type !== METADATA_EVENT_TYPE) return undefined;
    const truncateBefore = parseTruncateBefore(last.data);
    const target = streamId.slice(2);
    const previous = this.streams.get(target) ?? { lastRevision: -1, truncateBefore: 0, tombstoned: false };
    return { streamId: target, state: { ...previous, truncateBefore: truncateBefore ?? 0 } };
  }
}

function parseTruncateBefore(data: Buffer): number | undefined {
  try {
    const value = (JSON.parse(data.toString('utf8')) as { $tb?: unknown }).$tb;
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The last revision a reader can see, or undefined when the stream reads as not found. */
function visibleRevision(state: StreamState | undefined): number | undefined {
  if (!state || state.lastRevision < state.truncateBefore) return undefined;
  return state.lastRevision;
}

function matches(expected: ExpectedRevision, current: number | undefined): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no_stream':
      return current === undefined;
    case 'stream_exists':
      return current !== undefined;
    case 'exact':
      return current === expected.revision;
  }
}

function systemEvent(type: string, data: Buffer): ProposedEvent {
  return { eventId: crypto.randomUUID(), type, contentType: 'application/json', data, metadata: Buffer.alloc(0) };
}

/** Positions advance by the record's size, like offsets in a transaction log. */
function recordSize(event: StoredEvent): number {
  return (
    RECORD_OVERHEAD +
    Buffer.byteLength(event.streamId) +
    Buffer.byteLength(event.type) +
    event.data.length +
    event.metadata.length
  );
}

function toEvent(row: EventRow): StoredEvent {
  return {
    position: row.position,
    streamId: row.stream_id,
    revision: row.revision,
    eventId: row.event_id,
    type: row.type,
    contentType: row.content_type,
    data: row.data,
    metadata: row.metadata,
    created: row.created,
  };
}
