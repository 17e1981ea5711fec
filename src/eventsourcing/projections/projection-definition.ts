import type { IndexDescription } from 'mongodb';
import type { RecordedDomainEvent } from '../event-store/event-metadata';

/** Every read-model document records the `$all` position of the last event applied to it. */
export interface ProjectedDocument {
  _id: string;
  _position?: number;
}

/**
 * A read model, declared as data and pure functions: the projection engine runs it, and knows
 * nothing of its domain. Bumping `version` rebuilds it from the start of the stream.
 */
export interface ProjectionDefinition<Doc extends ProjectedDocument = ProjectedDocument> {
  name: string;
  version: number;
  collection: string;
  indexes: IndexDescription[];
  /** Event types it reads; others pass it by. */
  handles: readonly string[];
  /** The document an event belongs to. */
  documentId(event: RecordedDomainEvent): string;
  /** The next document, given the current one (undefined if none); undefined deletes it. */
  apply(document: Doc | undefined, event: RecordedDomainEvent): Doc | undefined;
}
