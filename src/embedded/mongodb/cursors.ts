import { BSON, Document, Long } from 'bson';

const MAX_BATCH_BYTES = 8 * 1024 * 1024;
const DEFAULT_FIRST_BATCH = 101;
/** As on MongoDB, a cursor nobody asked for in 10 minutes is closed. */
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  documents: Document[];
  position: number;
  lastUsed: number;
}

/** Result sets larger than one batch, kept until drained, killed or idle too long. */
export class Cursors {
  private readonly open = new Map<number, OpenCursor>();
  private nextId = 1;
  private readonly sweeper = setInterval(() => this.closeIdle(), 60_000).unref();

  close(): void {
    clearInterval(this.sweeper);
    this.open.clear();
  }

  private closeIdle(): void {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const [id, cursor] of this.open) if (cursor.lastUsed < cutoff) this.open.delete(id);
  }

  /** The cursor reply for a fresh result: its first batch, and an id if more remain. */
  first(ns: string, documents: Document[], batchSize: number | undefined): Document {
    const cursor = { ns, documents, position: 0, lastUsed: Date.now() };
    const batch = this.take(cursor, batchSize ?? DEFAULT_FIRST_BATCH);
    let id = 0;
    if (cursor.position < documents.length) {
      id = this.nextId++;
      this.open.set(id, cursor);
    }
    return { cursor: { id: Long.fromNumber(id), ns, firstBatch: batch }, ok: 1 };
  }

  more(id: number, batchSize: number | undefined): Document | undefined {
    const cursor = this.open.get(id);
    if (!cursor) return undefined;
    cursor.lastUsed = Date.now();
    const batch = this.take(cursor, batchSize ?? Number.MAX_SAFE_INTEGER);
    const done = cursor.position >= cursor.documents.length;
    if (done) this.open.delete(id);
    return { cursor: { id: Long.fromNumber(done ? 0 : id), ns: cursor.ns, nextBatch: batch }, ok: 1 };
  }

  kill(id: number): boolean {
    return this.open.delete(id);
  }

  private take(cursor: OpenCursor, batchSize: number): Document[] {
    const batch: Document[] = [];
    let bytes = 0;
    const limit = batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER;
    while (cursor.position < cursor.documents.length && batch.length < limit) {
      const doc = cursor.documents[cursor.position];
      bytes += BSON.calculateObjectSize(doc);
      if (batch.length > 0 && bytes > MAX_BATCH_BYTES) break;
      batch.push(doc);
      cursor.position++;
    }
    return batch;
  }
}
