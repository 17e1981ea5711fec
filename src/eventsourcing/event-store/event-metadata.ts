/** Metadata carried by every domain event; the store's own id, revision and position are not repeated. */
export interface EventMetadata {
  correlationId: string;
  causationId: string;
  commandId: string;
  /** Who acted, when known. */
  userId?: string;
  /** ISO-8601 time the command was decided. */
  occurredAt: string;
  schemaVersion: number;
  traceparent?: string;
}

/** A domain event as it was recorded, upcast to its latest schema version. */
export interface RecordedDomainEvent<Data = unknown> {
  eventId: string;
  streamId: string;
  type: string;
  revision: bigint;
  position: bigint;
  recordedAt: Date;
  data: Data;
  metadata: EventMetadata;
}
