import type { EventMetadata } from '../src/eventsourcing/event-store/event-metadata';
import type { ProjectionDefinition } from '../src/eventsourcing/projections/projection-definition';

/**
 * One entry per recorded event, of every stream, command records included: where and when it was
 * recorded, the ids that say who acted and what caused it, and the event as stored. Its personal
 * data stays encrypted as the store keeps it (the projection is `sealed`): the audit queries
 * decrypt what they show, and forgetting a person makes it unreadable here as in the store.
 */
export interface AuditIndexDocument {
  /** The event id. */
  _id: string;
  /** The event's `$all` position, as MongoDB keeps positions. */
  _position?: string;
  streamId: string;
  type: string;
  revision: number;
  recordedAt: Date;
  correlationId: string;
  userId: string | null;
  /** The event's data and metadata as stored, upcast to the latest schema: personal data encrypted. */
  data: unknown;
  metadata: EventMetadata;
}

export const auditIndexProjection: ProjectionDefinition<AuditIndexDocument, { type: string; data: unknown }> =
  {
    name: 'audit-index',
    version: 1,
    collection: 'audit_index',
    indexes: [
      { key: { correlationId: 1, _position: 1 }, name: 'by_correlation' },
      { key: { streamId: 1, revision: 1 }, name: 'by_stream' },
      { key: { userId: 1, _position: -1 }, name: 'by_user' },
      { key: { type: 1, _position: 1 }, name: 'by_type' },
      { key: { _position: 1 }, name: 'by_position' },
    ],
    handles: 'all',
    sealed: true,
    appendOnly: true,
    documentId: (event) => event.eventId,
    apply: (_document, event) => ({
      _id: event.eventId,
      streamId: event.streamId,
      type: event.type,
      revision: Number(event.revision),
      recordedAt: event.recordedAt,
      correlationId: event.metadata.correlationId,
      userId: event.metadata.userId ?? null,
      data: event.data,
      metadata: event.metadata,
    }),
  };
