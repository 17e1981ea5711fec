import type { ProjectionDefinition } from '../src/eventsourcing/projections/projection-definition';

/**
 * One entry per domain event, of every stream: where and when it was recorded, and the ids that
 * say who acted and what caused it. No event data, so no personal data: the audit queries read
 * the events themselves from the store, where forgetting a person reaches them.
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
  causationId: string;
  commandId: string;
  userId: string | null;
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
    documentId: (event) => event.eventId,
    apply: (_document, event) => ({
      _id: event.eventId,
      streamId: event.streamId,
      type: event.type,
      revision: Number(event.revision),
      recordedAt: event.recordedAt,
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
      commandId: event.metadata.commandId,
      userId: event.metadata.userId ?? null,
    }),
  };
