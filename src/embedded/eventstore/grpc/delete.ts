import { status as GrpcStatus } from '@grpc/grpc-js';
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import {
  DeleteReq,
  DeleteResp,
  TombstoneReq,
  TombstoneResp,
} from '@eventstore/db-client/generated/streams_pb';
import { EventLog } from '../event-log';
import { ExpectedRevision, WriteOutcome } from '../event-log.types';
import {
  expectedRevisionOf,
  serviceError,
  ServiceErrorLike,
  streamDeletedError,
  streamNameOf,
  toServiceError,
} from './messages';

type DeletionOptions = DeleteReq.Options | TombstoneReq.Options;

/** The numeric expected versions of EventStoreDB's error trailers: -1 no stream, -2 any, -4 exists. */
function expectedVersionNumber(expected: ExpectedRevision): string {
  if (expected.kind === 'exact') return String(expected.revision);
  return { no_stream: '-1', any: '-2', stream_exists: '-4' }[expected.kind];
}

function deletion(options: DeletionOptions | undefined): { streamId: string; expected: ExpectedRevision } {
  return {
    streamId: streamNameOf(options?.getStreamIdentifier()),
    expected: expectedRevisionOf({
      any: !!options?.hasAny(),
      noStream: !!options?.hasNoStream(),
      streamExists: !!options?.hasStreamExists(),
      revision: options?.hasRevision() ? options.getRevision() : undefined,
    }),
  };
}

function failureOf(streamId: string, outcome: Exclude<WriteOutcome, { status: 'ok' }>): ServiceErrorLike {
  switch (outcome.status) {
    case 'stream_deleted':
      return streamDeletedError(streamId);
    case 'wrong_expected_version': {
      const trailers: Record<string, string> = {
        'stream-name': streamId,
        'expected-version': expectedVersionNumber(outcome.expected),
      };
      if (outcome.currentRevision !== undefined) trailers['actual-version'] = String(outcome.currentRevision);
      return serviceError(
        GrpcStatus.FAILED_PRECONDITION,
        'Wrong expected version.',
        'wrong-expected-version',
        trailers,
      );
    }
    case 'too_large':
      return serviceError(GrpcStatus.INVALID_ARGUMENT, 'Deletion too large.');
  }
}

/** Delete and Tombstone differ only in what the log does and in their message classes. */
function deletionHandler<Req extends DeleteReq | TombstoneReq, Resp extends DeleteResp | TombstoneResp>(
  remove: (streamId: string, expected: ExpectedRevision) => WriteOutcome,
  respond: (position: string) => Resp,
) {
  return (call: ServerUnaryCall<Req, Resp>, callback: sendUnaryData<Resp>): void => {
    try {
      const { streamId, expected } = deletion(call.request.getOptions());
      const outcome = remove(streamId, expected);
      if (outcome.status !== 'ok') return callback(failureOf(streamId, outcome));
      callback(null, respond(String(outcome.position)));
    } catch (error) {
      callback(toServiceError(error));
    }
  };
}

export const deleteHandler = (log: EventLog) =>
  deletionHandler<DeleteReq, DeleteResp>(
    (streamId, expected) => log.deleteStream(streamId, expected),
    (position) =>
      new DeleteResp().setPosition(
        new DeleteResp.Position().setCommitPosition(position).setPreparePosition(position),
      ),
  );

export const tombstoneHandler = (log: EventLog) =>
  deletionHandler<TombstoneReq, TombstoneResp>(
    (streamId, expected) => log.tombstoneStream(streamId, expected),
    (position) =>
      new TombstoneResp().setPosition(
        new TombstoneResp.Position().setCommitPosition(position).setPreparePosition(position),
      ),
  );
