import type { IndexDescription } from 'mongodb';
import type { DomainEvent } from '../deciders/decider';
import type { RecordedDomainEvent } from '../event-store/event-metadata';

/** One event of a union as a projection receives it: its type and data, and where it was recorded. */
export type RecordedEvent<E extends DomainEvent> = E extends DomainEvent
  ? Omit<RecordedDomainEvent, 'type' | 'data'> & { type: E['type']; data: E['data'] }
  : never;

/** Every read-model document records the stored `$all` position of the last event applied to it. */
export interface ProjectedDocument {
  _id: string;
  _position?: string;
}

/** What `apply` makes of a document: its next version, or an explicit deletion or no change. */
export type Projected<Doc> = Doc | 'delete' | 'unchanged';

/**
 * A read model, declared as data and pure functions: the projection engine runs it and knows
 * nothing of its domain. Bumping `version` rebuilds it from the start of the stream.
 */
export interface ProjectionDefinition<Doc extends ProjectedDocument, E extends DomainEvent> {
  name: string;
  version: number;
  collection: string;
  indexes: IndexDescription[];
  /**
   * Event types it reads; others pass it by. `'all'`: every event the application records, of any
   * type, the command records (`CommandAccepted`) included.
   */
  handles: readonly E['type'][] | 'all';
  /**
   * Given events as stored, their personal data still encrypted, for a read model that keeps
   * event data as it is (the audit index): forgetting a person then reaches it as it reaches the
   * store, and readers decrypt what they show as the store's readers do.
   */
  sealed?: boolean;
  /**
   * Each event makes a document of its own and `apply` never reads the current one (the audit
   * index): a batch writes without reading its documents first.
   */
  appendOnly?: boolean;
  /** The document an event belongs to. */
  documentId(event: RecordedEvent<E>): string;
  /** The next document, given the current one (undefined if there is none). */
  apply(document: Doc | undefined, event: RecordedEvent<E>): Projected<Doc>;
}

/** Any projection, as the engine runs it. */
export type AnyProjection = ProjectionDefinition<ProjectedDocument, DomainEvent>;

/** The event types a projection reads; undefined when it reads every event. */
export const handledTypes = (definition: AnyProjection): readonly string[] | undefined =>
  definition.handles === 'all' ? undefined : definition.handles;

/**
 * What a projection's subscription delivers to it: its event types, or every event, command
 * records too; decrypted, or as stored.
 */
export const subscribedEvents = (
  definition: AnyProjection,
): { handles?: readonly string[]; commandRecords?: boolean; sealed?: boolean } => ({
  ...(definition.handles === 'all' ? { commandRecords: true } : { handles: definition.handles }),
  ...(definition.sealed ? { sealed: true } : {}),
});
