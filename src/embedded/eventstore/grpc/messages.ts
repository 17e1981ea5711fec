import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { ExpectedRevision } from '../event-log.types';

/** A request the server cannot act on: answered with INVALID_ARGUMENT and nothing written. */
export class InvalidRequest extends Error {}

export interface ServiceErrorLike {
  code: GrpcStatus;
  details: string;
  metadata: Metadata;
}

/** The error shape the client maps to its typed errors through the `exception` trailer. */
export function serviceError(
  code: GrpcStatus,
  details: string,
  exception?: string,
  extra: Record<string, string> = {},
): ServiceErrorLike {
  const metadata = new Metadata();
  if (exception) metadata.set('exception', exception);
  for (const [key, value] of Object.entries(extra)) metadata.set(key, value);
  return { code, details, metadata };
}

function isServiceError(error: unknown): error is ServiceErrorLike {
  return (
    typeof error === 'object' && error !== null && (error as ServiceErrorLike).metadata instanceof Metadata
  );
}

export function streamDeletedError(streamId: string): ServiceErrorLike {
  return serviceError(
    GrpcStatus.FAILED_PRECONDITION,
    `Event stream '${streamId}' is deleted.`,
    'stream-deleted',
    {
      'stream-name': streamId,
    },
  );
}

export function toServiceError(error: unknown): ServiceErrorLike {
  if (isServiceError(error)) return error;
  if (error instanceof InvalidRequest) return serviceError(GrpcStatus.INVALID_ARGUMENT, error.message);
  return serviceError(GrpcStatus.INTERNAL, 'Internal error in the embedded event store.');
}

export function streamNameOf(identifier: StreamIdentifier | undefined): string {
  const name = identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
  if (!name) throw new InvalidRequest('A stream name is required.');
  return name;
}

export function streamIdentifier(streamId: string): StreamIdentifier {
  return new StreamIdentifier().setStreamName(Buffer.from(streamId, 'utf8'));
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function uuidOf(uuid: UUID | undefined): string {
  let text = '';
  if (uuid?.hasStructured()) {
    const structured = uuid.getStructured()!;
    const bytes = Buffer.alloc(16);
    bytes.writeBigUInt64BE(BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())), 0);
    bytes.writeBigUInt64BE(BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())), 8);
    const hex = bytes.toString('hex');
    text = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  } else if (uuid?.hasString()) {
    text = uuid.getString().toLowerCase();
  }
  if (!UUID_PATTERN.test(text)) throw new InvalidRequest('Every event needs a valid UUID as its id.');
  return text;
}

export function parseRevision(value: string): number {
  const revision = Number(value);
  if (!Number.isSafeInteger(revision) || revision < 0)
    throw new InvalidRequest(`Invalid revision '${value}'.`);
  return revision;
}

/** Maps the `oneof expected_stream_revision` shared by Append, BatchAppend, Delete and Tombstone. */
export function expectedRevisionOf(options: {
  any: boolean;
  noStream: boolean;
  streamExists: boolean;
  revision?: string;
}): ExpectedRevision {
  if (options.revision !== undefined) return { kind: 'exact', revision: parseRevision(options.revision) };
  if (options.noStream) return { kind: 'no_stream' };
  if (options.streamExists) return { kind: 'stream_exists' };
  if (options.any) return { kind: 'any' };
  throw new InvalidRequest('An expected stream revision is required.');
}
