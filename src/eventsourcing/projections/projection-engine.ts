import { AnyBulkWriteOperation, Db, MongoBulkWriteError } from 'mongodb';
import { RecordedDomainEvent } from '../event-store/event-metadata';
import { storedPosition } from '../event-store/stored-position';
import { AnyProjection, handledTypes, ProjectedDocument } from './projection-definition';
import { DUPLICATE_KEY } from '../duplicate-key';

/** MongoDB's duplicate key error: here, a conditional upsert that found a newer document. */

/**
 * Applies batches of events to one projection's collection with a single `bulkWrite`. An event
 * at or before a document's `_position` is skipped, and every write is conditional on the stored
 * document being older than it, so neither a replayed batch (after a crash between the writes
 * and the checkpoint) nor a second writer can move a document backwards.
 */
export class ProjectionEngine {
  private readonly handles: ReadonlySet<string> | undefined;

  constructor(
    private readonly db: Db,
    readonly definition: AnyProjection,
    readonly collectionName = definition.collection,
  ) {
    const types = handledTypes(definition);
    this.handles = types && new Set(types);
  }

  async prepare(): Promise<void> {
    if (this.definition.indexes.length > 0) {
      await this.db.collection(this.collectionName).createIndexes(this.definition.indexes);
    }
  }

  async applyBatch(events: RecordedDomainEvent[]): Promise<void> {
    const relevant = this.handles ? events.filter((event) => this.handles!.has(event.type)) : events;
    if (relevant.length === 0) return;
    const collection = this.db.collection<ProjectedDocument>(this.collectionName);
    const documents = new Map<string, ProjectedDocument | 'delete'>();
    if (!this.definition.appendOnly) {
      const ids = [...new Set(relevant.map((event) => this.definition.documentId(event)))];
      for (const doc of await collection.find({ _id: { $in: ids } }).toArray()) documents.set(doc._id, doc);
    }

    const changed = new Map<string, string>();
    for (const event of relevant) {
      const id = this.definition.documentId(event);
      const position = storedPosition(event.position);
      const stored = documents.get(id);
      const current = stored === 'delete' ? undefined : stored;
      if (current?._position !== undefined && current._position >= position) continue;
      const next = this.definition.apply(current, event);
      if (next === 'unchanged') continue;
      documents.set(id, next === 'delete' ? next : { ...next, _id: id, _position: position });
      changed.set(id, position);
    }

    const operations: AnyBulkWriteOperation<ProjectedDocument>[] = [...changed].map(([id, position]) => {
      const doc = documents.get(id)!;
      const filter = { _id: id, _position: { $lt: position } };
      return doc === 'delete'
        ? { deleteOne: { filter } }
        : { replaceOne: { filter, replacement: doc, upsert: true } };
    });
    if (operations.length > 0) await this.write(operations);
  }

  /** A conditional upsert that meets a newer document fails on its `_id`: that document stays. */
  private async write(operations: AnyBulkWriteOperation<ProjectedDocument>[]): Promise<void> {
    try {
      await this.db
        .collection<ProjectedDocument>(this.collectionName)
        .bulkWrite(operations, { ordered: false });
    } catch (error) {
      const ownRace =
        error instanceof MongoBulkWriteError &&
        error.writeErrors instanceof Array &&
        error.writeErrors.every((e) => e.code === DUPLICATE_KEY);
      if (!ownRace) throw error;
    }
  }
}
