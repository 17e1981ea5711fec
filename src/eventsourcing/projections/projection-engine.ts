import { AnyBulkWriteOperation, Db } from 'mongodb';
import { RecordedDomainEvent } from '../event-store/event-metadata';
import { ProjectedDocument, ProjectionDefinition } from './projection-definition';

/**
 * Applies batches of events to one projection's collection with a single `bulkWrite`. An event
 * at or before a document's `_position` is skipped, so re-applying a batch (after a crash
 * between the writes and the checkpoint) changes nothing.
 */
export class ProjectionEngine<Doc extends ProjectedDocument = ProjectedDocument> {
  private readonly handles: Set<string>;

  constructor(
    private readonly db: Db,
    readonly definition: ProjectionDefinition<Doc>,
  ) {
    this.handles = new Set(definition.handles);
  }

  get collectionName(): string {
    return this.definition.collection;
  }

  async prepare(): Promise<void> {
    if (this.definition.indexes.length > 0) {
      await this.db.collection(this.collectionName).createIndexes(this.definition.indexes);
    }
  }

  async applyBatch(events: RecordedDomainEvent[]): Promise<void> {
    const relevant = events.filter((event) => this.handles.has(event.type));
    if (relevant.length === 0) return;
    const collection = this.db.collection<ProjectedDocument>(this.collectionName);
    const ids = [...new Set(relevant.map((event) => this.definition.documentId(event)))];
    const documents = new Map<string, Doc | undefined>();
    for (const doc of await collection.find({ _id: { $in: ids } }).toArray())
      documents.set(doc._id, doc as Doc);

    const changed = new Set<string>();
    for (const event of relevant) {
      const id = this.definition.documentId(event);
      const current = documents.get(id);
      const position = Number(event.position);
      if (current?._position !== undefined && current._position >= position) continue;
      const next = this.definition.apply(current, event);
      documents.set(id, next ? { ...next, _id: id, _position: position } : undefined);
      changed.add(id);
    }

    const operations: AnyBulkWriteOperation<ProjectedDocument>[] = [...changed].map((id) => {
      const doc = documents.get(id);
      return doc
        ? { replaceOne: { filter: { _id: id }, replacement: doc, upsert: true } }
        : { deleteOne: { filter: { _id: id } } };
    });
    if (operations.length > 0) await collection.bulkWrite(operations, { ordered: true });
  }
}
