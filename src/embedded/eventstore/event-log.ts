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
import { freshStoreWrites } from './system-events';

/** The largest total of data and metadata one append may carry, as on EventStoreDB. */
export const MAX_APPEND_SIZE = 1024 * 1024;
export const TOMBSTONE_EVENT_TYPE = '$streamDeleted';
export const METADATA_EVENT_TYPE = '$metadata';
const RECORD_OVERHEAD = 64;
/** How many recent event ids are remembered to recognise a repeated append with ANY. */
const RECENT_IDS = 100_000;

interface StreamState {
  id: number;
  lastRevision: number;
  /** Revisions below this are hidden from stream reads (soft delete, `$tb` metadata). */
  truncateBefore: number;
  /** `$maxCount` metadata: only the last this many events are read. */
  maxCount?: number;
  /** `$maxAge` metadata, in seconds: older events are not read. */
  maxAge?: number;
  tombstoned: boolean;
}

/** The limits a stream's metadata (`$$stream`) sets on what reads and subscriptions return. */
export interface StreamLimits {
  truncateBefore: number;
  maxCount?: number;
  maxAge?: number;
}

/**
 * A metadata stream keeps only its latest event readable, as EventStoreDB's default
 * `MetastreamMaxCount` of 1 does.
 */
const METASTREAM_MAX_COUNT = 1;

/**
 * Event rows are read as arrays in this column order: much faster than row objects. An event's
 * data and metadata come as one blob, split at the data's length: better-sqlite3 spends more on
 * each buffer it returns than on the rest of the row. The concatenation keeps every byte as it is
 * in a UTF-8 database (the only encoding this log is created with, checked when it is opened).
 */
const EVENT_COLUMNS =
  'position, stream, revision, event_id, type, content_type, CAST(data || metadata AS BLOB), length(data), created';
type EventRow = [
  position: number,
  stream: number,
  revision: number,
  eventId: string,
  type: string,
  contentType: string,
  dataAndMetadata: Buffer,
  dataLength: number,
  created: number,
];

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
  private readonly names = new Map<number, string>();
  /** Recently appended event ids, like EventStoreDB's own cache: a second line of idempotency. */
  private readonly recentIds = new Map<string, { streamId: string; revision: number }>();
  private readonly recentIdRing: (string | undefined)[] = new Array(RECENT_IDS);
  private recentIdCount = 0;
  private nextStreamId = 1;
  private readonly listeners = new Set<AppendListener>();
  private nextPosition = 0;
  private readonly stmt: ReturnType<EventLog['prepareStatements']>;
  /** One transaction: the events of an append and the new state of the streams it touched. */
  private readonly commit: (
    streamNumber: number,
    events: StoredEvent[],
    touched: [string, StreamState][],
  ) => void;

  constructor(dataDir?: string) {
    // The owner's alone: events hold ciphertext, but also who did what.
    if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Only this process uses the file: waiting for a lock would only delay the in-use error.
    this.db = new Database(dataDir ? join(dataDir, 'events.sqlite') : ':memory:', { timeout: 0 });
    // One server per data directory: a second one fails to start instead of sharing the files.
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -65536');
    const encoding = this.db.pragma('encoding', { simple: true });
    if (encoding !== 'UTF-8') throw new Error(`The event log must be a UTF-8 database, not ${encoding}.`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS streams (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        last_revision INTEGER NOT NULL,
        truncate_before INTEGER NOT NULL,
        tombstoned INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS events (
        position INTEGER PRIMARY KEY,
        stream INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        content_type TEXT NOT NULL,
        data BLOB NOT NULL,
        metadata BLOB NOT NULL,
        created INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS events_by_stream ON events (stream, revision);
    `);
    // Stream limits from `$maxCount` and `$maxAge`, added to logs created before them.
    const columns = (this.db.pragma('table_info(streams)') as { name: string }[]).map((c) => c.name);
    if (!columns.includes('max_count')) this.db.exec('ALTER TABLE streams ADD COLUMN max_count INTEGER');
    if (!columns.includes('max_age')) this.db.exec('ALTER TABLE streams ADD COLUMN max_age INTEGER');
    this.stmt = this.prepareStatements();
    this.commit = this.db.transaction(
      (streamNumber: number, events: StoredEvent[], touched: [string, StreamState][]) => {
        for (const e of events) {
          this.stmt.insert.run(
            e.position,
            streamNumber,
            e.revision,
            e.eventId,
            e.type,
            e.contentType,
            e.data,
            e.metadata,
            e.created,
          );
        }
        for (const [name, state] of touched) this.saveStream(name, state);
      },
    );
    this.load();
    if (this.nextPosition === 0 && this.streams.size === 0) this.writeFreshStoreEvents();
  }

  /** A new store's system events, in one transaction: written once, when the log is created. */
  private writeFreshStoreEvents(): void {
    this.db.transaction(() => {
      for (const { streamId, events } of freshStoreWrites()) this.write(streamId, events);
    })();
  }

  private prepareStatements() {
    const db = this.db;
    return {
      insert: db.prepare(
        `INSERT INTO events (position, stream, revision, event_id, type, content_type, data, metadata, created)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      saveStream: db.prepare(
        `INSERT INTO streams (id, name, last_revision, truncate_before, max_count, max_age, tombstoned)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET last_revision = excluded.last_revision,
           truncate_before = excluded.truncate_before, max_count = excluded.max_count,
           max_age = excluded.max_age, tombstoned = excluded.tombstoned`,
      ),
      streamRange: db
        .prepare(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE stream = ? AND revision >= ? AND revision <= ?
           ORDER BY revision LIMIT ?`,
        )
        .raw(),
      /** A stream's events from a revision on, created at or after a time (ms). */
      streamReadable: db
        .prepare(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE stream = ? AND revision >= ? AND revision <= ?
           AND created >= ? ORDER BY revision LIMIT ?`,
        )
        .raw(),
      streamReadableBackwards: db
        .prepare(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE stream = ? AND revision >= ? AND revision <= ?
           AND created >= ? ORDER BY revision DESC LIMIT ?`,
        )
        .raw(),
      allFrom: db
        .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position >= ? ORDER BY position LIMIT ?`)
        .raw(),
      allBefore: db
        .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position < ? ORDER BY position DESC LIMIT ?`)
        .raw(),
      last: db.prepare(`SELECT ${EVENT_COLUMNS} FROM events ORDER BY position DESC LIMIT 1`).raw(),
    };
  }

  private load(): void {
    const rows = this.db.prepare('SELECT * FROM streams').all() as {
      id: number;
      name: string;
      last_revision: number;
      truncate_before: number;
      max_count: number | null;
      max_age: number | null;
      tombstoned: number;
    }[];
    for (const row of rows) {
      this.names.set(row.id, row.name);
      this.streams.set(row.name, {
        id: row.id,
        lastRevision: row.last_revision,
        truncateBefore: row.truncate_before,
        maxCount: row.max_count ?? undefined,
        maxAge: row.max_age ?? undefined,
        tombstoned: row.tombstoned === 1,
      });
    }
    this.nextStreamId = rows.reduce((max, row) => Math.max(max, row.id), 0) + 1;
    const last = this.stmt.last.get() as EventRow | undefined;
    this.nextPosition = last ? last[0] + recordSize(this.toEvent(last)) : 0;
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

  /**
   * Reads a stream as EventStoreDB does: through its metadata, so events before `$tb`, beyond the
   * last `$maxCount` or older than `$maxAge` are left out (they stay in `$all`).
   */
  readStream(streamId: string, from: StreamStart, direction: Direction, maxCount: number): StreamReadOutcome {
    const state = this.streams.get(streamId);
    if (state?.tombstoned) return { status: 'deleted' };
    if (visibleRevision(state) === undefined || !state) return { status: 'not_found' };
    const limit = Math.min(maxCount, Number.MAX_SAFE_INTEGER);
    const lowest = lowestReadable(streamId, state);
    const since = oldestReadable(state, Date.now());
    if (direction === 'forwards') {
      const start =
        from.kind === 'revision' ? from.revision : from.kind === 'end' ? state.lastRevision + 1 : 0;
      const first = Math.max(start, lowest);
      const rows = this.stmt.streamReadable.all(state.id, first, state.lastRevision, since, limit);
      return { status: 'ok', events: this.toEvents(rows) };
    }
    const start = from.kind === 'revision' ? from.revision : from.kind === 'start' ? -1 : state.lastRevision;
    const rows = this.stmt.streamReadableBackwards.all(state.id, lowest, start, since, limit);
    return { status: 'ok', events: this.toEvents(rows) };
  }

  /**
   * Events of a stream after a revision, in order, for subscriptions catching up: limited by the
   * stream's metadata as reads are, but not by a soft delete (a revived stream continues).
   */
  streamEventsAfter(streamId: string, revision: number, limit: number): StoredEvent[] {
    const state = this.streams.get(streamId);
    if (!state) return [];
    const from = Math.max(revision + 1, lowestReadable(streamId, state));
    const since = oldestReadable(state, Date.now());
    return this.toEvents(this.stmt.streamReadable.all(state.id, from, Number.MAX_SAFE_INTEGER, since, limit));
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
      return this.toEvents(this.stmt.allFrom.all(start, maxCount));
    }
    const before = from.kind === 'position' ? from.position : from.kind === 'start' ? 0 : this.nextPosition;
    return this.toEvents(this.stmt.allBefore.all(before, maxCount));
  }

  /** Events strictly after a position, in order: for subscriptions. */
  allEventsAfter(position: number, limit: number): StoredEvent[] {
    return this.toEvents(this.stmt.allFrom.all(position + 1, limit));
  }

  close(): void {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }

  /**
   * A repeated append of the same event ids is answered with the first result. With an expected
   * revision the stream itself is checked; otherwise the recent-id cache is.
   */
  private findRepeatedAppend(
    streamId: string,
    expected: ExpectedRevision,
    proposed: ProposedEvent[],
  ): WriteOutcome | undefined {
    const state = this.streams.get(streamId);
    if (proposed.length === 0 || !state) return undefined;
    let first: number | undefined;
    if (expected.kind === 'exact') first = expected.revision + 1;
    else if (expected.kind === 'no_stream') first = 0;
    else {
      const seen = this.recentIds.get(proposed[0].eventId);
      first = seen?.streamId === streamId ? seen.revision : undefined;
    }
    if (first === undefined) return undefined;
    const last = first + proposed.length - 1;
    const stored = this.stmt.streamRange.all(state.id, first, last, proposed.length) as EventRow[];
    if (stored.length !== proposed.length) return undefined;
    if (!stored.every((row, i) => row[3] === proposed[i].eventId)) return undefined;
    return { status: 'ok', currentRevision: last, position: stored[stored.length - 1][0] };
  }

  private write(streamId: string, proposed: ProposedEvent[]): WriteOutcome {
    const previous = this.streams.get(streamId);
    const state: StreamState = previous
      ? { ...previous }
      : { id: this.nextStreamId, lastRevision: -1, truncateBefore: 0, tombstoned: false };
    const created = Date.now();
    let position = this.nextPosition;
    const events = proposed.map((e): StoredEvent => {
      state.lastRevision += 1;
      const event = {
        position,
        streamId,
        revision: state.lastRevision,
        eventId: e.eventId,
        type: e.type,
        contentType: e.contentType,
        data: e.data,
        metadata: e.metadata,
        created,
      };
      position += recordSize(event);
      return event;
    });
    if (events[events.length - 1].type === TOMBSTONE_EVENT_TYPE) state.tombstoned = true;
    const metadataTarget = this.metadataTargetOf(streamId, events, state);

    const touched: [string, StreamState][] = [[streamId, state]];
    if (metadataTarget) touched.push([metadataTarget.streamId, metadataTarget.state]);
    this.commit(state.id, events, touched);

    this.remember(streamId, state);
    if (metadataTarget) this.remember(metadataTarget.streamId, metadataTarget.state);
    this.nextPosition = position;
    for (const event of events) this.rememberId(event);
    for (const listener of this.listeners) listener(events);
    const last = events[events.length - 1];
    return { status: 'ok', currentRevision: last.revision, position: last.position };
  }

  private saveStream(name: string, s: StreamState): void {
    this.stmt.saveStream.run(
      s.id,
      name,
      s.lastRevision,
      s.truncateBefore,
      s.maxCount ?? null,
      s.maxAge ?? null,
      s.tombstoned ? 1 : 0,
    );
  }

  private remember(name: string, state: StreamState): void {
    if (!this.streams.has(name)) {
      this.names.set(state.id, name);
      this.nextStreamId = Math.max(this.nextStreamId, state.id + 1);
    }
    this.streams.set(name, state);
  }

  /** A ring of the last RECENT_IDS ids: evicting never iterates the map, which stays O(1). */
  private rememberId(event: StoredEvent): void {
    const slot = this.recentIdCount++ % RECENT_IDS;
    const evicted = this.recentIdRing[slot];
    if (evicted !== undefined) this.recentIds.delete(evicted);
    this.recentIdRing[slot] = event.eventId;
    this.recentIds.set(event.eventId, { streamId: event.streamId, revision: event.revision });
  }

  private toEvents(rows: unknown[]): StoredEvent[] {
    return (rows as EventRow[]).map((row) => this.toEvent(row));
  }

  private toEvent([
    position,
    stream,
    revision,
    eventId,
    type,
    contentType,
    dataAndMetadata,
    dataLength,
    created,
  ]: EventRow): StoredEvent {
    const streamId = this.names.get(stream)!;
    const data = dataAndMetadata.subarray(0, dataLength);
    const metadata = dataAndMetadata.subarray(dataLength);
    return { position, streamId, revision, eventId, type, contentType, data, metadata, created };
  }

  /**
   * A `$metadata` event in `$$stream` replaces the stream's metadata: its `$tb`, `$maxCount` and
   * `$maxAge` (each absent when missing or invalid).
   */
  private metadataTargetOf(
    streamId: string,
    events: StoredEvent[],
    writing: StreamState,
  ): { streamId: string; state: StreamState } | undefined {
    if (!streamId.startsWith('$$')) return undefined;
    const last = events[events.length - 1];
    if (last.type !== METADATA_EVENT_TYPE) return undefined;
    const target = streamId.slice(2);
    const previous = this.streams.get(target) ?? {
      id: writing.id === this.nextStreamId ? this.nextStreamId + 1 : this.nextStreamId,
      lastRevision: -1,
      truncateBefore: 0,
      tombstoned: false,
    };
    const limits = parseLimits(last.data);
    return { streamId: target, state: { ...previous, ...limits } };
  }
}

/** EventStoreDB's metadata keys; a value that is not a valid integer counts as absent. */
function parseLimits(data: Buffer): StreamLimits {
  let parsed: Record<string, unknown> = {};
  try {
    const json: unknown = JSON.parse(data.toString('utf8'));
    if (typeof json === 'object' && json !== null) parsed = json as Record<string, unknown>;
  } catch {
    // Metadata that is not JSON limits nothing.
  }
  const integer = (value: unknown, min: number): number | undefined =>
    typeof value === 'number' && Number.isInteger(value) && value >= min
      ? Math.min(value, Number.MAX_SAFE_INTEGER)
      : undefined;
  return {
    truncateBefore: integer(parsed.$tb, 0) ?? 0,
    maxCount: integer(parsed.$maxCount, 1),
    maxAge: integer(parsed.$maxAge, 1),
  };
}

/** The lowest revision a read may return: `$tb`, and the last `$maxCount` events. */
function lowestReadable(streamId: string, state: StreamState): number {
  const maxCount = streamId.startsWith('$$') ? METASTREAM_MAX_COUNT : state.maxCount;
  const byCount = maxCount === undefined ? 0 : state.lastRevision - maxCount + 1;
  return Math.max(state.truncateBefore, byCount, 0);
}

/** The creation time (ms) before which `$maxAge` hides events; -1 when the stream has none. */
function oldestReadable(state: StreamState, now: number): number {
  return state.maxAge === undefined ? -1 : now - state.maxAge * 1000;
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
  return {
    eventId: crypto.randomUUID(),
    type,
    contentType: 'application/json',
    data,
    metadata: Buffer.alloc(0),
  };
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
