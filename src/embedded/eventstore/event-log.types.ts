/** An event as the store keeps it. Positions and revisions fit in a double for any realistic log. */
export interface StoredEvent {
  position: number;
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  contentType: string;
  data: Buffer;
  metadata: Buffer;
  /** Milliseconds since the Unix epoch. */
  created: number;
}

export interface ProposedEvent {
  eventId: string;
  type: string;
  contentType: string;
  data: Buffer;
  metadata: Buffer;
}

export type ExpectedRevision =
  { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'exact'; revision: number };

/** `currentRevision` is undefined when the stream does not exist (or was soft-deleted). */
export type WriteOutcome =
  | { status: 'ok'; currentRevision: number; position: number }
  | { status: 'wrong_expected_version'; currentRevision: number | undefined; expected: ExpectedRevision }
  | { status: 'stream_deleted' }
  | { status: 'too_large'; maxAppendSize: number };

export type Direction = 'forwards' | 'backwards';

export type StreamReadOutcome =
  { status: 'ok'; events: StoredEvent[] } | { status: 'not_found' } | { status: 'deleted' };

/** Where a stream read starts: a revision, or one end of the stream. */
export type StreamStart = { kind: 'start' } | { kind: 'end' } | { kind: 'revision'; revision: number };

/** Where an `$all` read starts: a position, or one end of the log. */
export type AllStart = { kind: 'start' } | { kind: 'end' } | { kind: 'position'; position: number };
