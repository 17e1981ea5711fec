import { status as GrpcStatus } from '@grpc/grpc-js';
import type { sendUnaryData, ServerReadableStream, ServerDuplexStream } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtoEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { AllStreamPosition, Empty, StreamDeleted, UUID } from '@eventstore/db-client/generated/shared_pb';
import {
  MaximumAppendSizeExceeded,
  Unknown,
  WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
} from '@eventstore/db-client/generated/streams_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { EventLog } from '../event-log';
import { ExpectedRevision, ProposedEvent, WriteOutcome } from '../event-log.types';
import {
  expectedRevisionOf,
  InvalidRequest,
  serviceError,
  streamDeletedError,
  streamIdentifier,
  streamNameOf,
  toServiceError,
  uuidOf,
} from './messages';

type ProposedMessage = AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage;

function toProposedEvent(message: ProposedMessage): ProposedEvent {
  const map = message.getMetadataMap();
  const type = map.get('type');
  const contentType = map.get('content-type');
  if (!type || !contentType) throw new InvalidRequest("Every event needs a 'type' and a 'content-type'.");
  return {
    eventId: uuidOf(message.getId()),
    type,
    contentType,
    data: Buffer.from(message.getData_asU8()),
    metadata: Buffer.from(message.getCustomMetadata_asU8()),
  };
}

/**
 * Append is client-streaming: options first, then the events. Nothing is written until the
 * client half-closes, so a client that disconnects mid-append writes nothing.
 */
export function appendHandler(log: EventLog) {
  return (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void => {
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let failure: unknown;
    call.on('data', (req: AppendReq) => {
      if (failure) return;
      try {
        if (req.hasOptions()) options = req.getOptions();
        else if (req.hasProposedMessage()) events.push(toProposedEvent(req.getProposedMessage()!));
      } catch (error) {
        failure = error;
      }
    });
    call.on('end', () => {
      if (call.cancelled) return;
      try {
        if (failure) throw failure;
        if (!options) throw new InvalidRequest('The first append message must carry the options.');
        const streamId = streamNameOf(options.getStreamIdentifier());
        const expected = expectedRevisionOf({
          any: options.hasAny(),
          noStream: options.hasNoStream(),
          streamExists: options.hasStreamExists(),
          revision: options.hasRevision() ? options.getRevision() : undefined,
        });
        const outcome = log.append(streamId, expected, events);
        respondToAppend(streamId, outcome, callback);
      } catch (error) {
        callback(toServiceError(error));
      }
    });
  };
}

function respondToAppend(streamId: string, outcome: WriteOutcome, callback: sendUnaryData<AppendResp>): void {
  switch (outcome.status) {
    case 'ok': {
      const position = new AppendResp.Position()
        .setCommitPosition(String(outcome.position))
        .setPreparePosition(String(outcome.position));
      const success = new AppendResp.Success().setPosition(position);
      if (outcome.currentRevision < 0) success.setNoStream(new Empty());
      else success.setCurrentRevision(String(outcome.currentRevision));
      return callback(null, new AppendResp().setSuccess(success));
    }
    case 'wrong_expected_version': {
      const wrong = new AppendResp.WrongExpectedVersion();
      if (outcome.currentRevision === undefined)
        wrong.setCurrentNoStream(new Empty()).setNoStream2060(new Empty());
      else
        wrong
          .setCurrentRevision(String(outcome.currentRevision))
          .setCurrentRevision2060(outcome.currentRevision);
      setExpected(outcome.expected, {
        any: () => wrong.setExpectedAny(new Empty()).setAny2060(new Empty()),
        noStream: () => wrong.setExpectedNoStream(new Empty()).setExpectedRevision2060(-1),
        streamExists: () => wrong.setExpectedStreamExists(new Empty()).setStreamExists2060(new Empty()),
        exact: (r) => wrong.setExpectedRevision(String(r)).setExpectedRevision2060(r),
      });
      return callback(null, new AppendResp().setWrongExpectedVersion(wrong));
    }
    case 'stream_deleted':
      return callback(streamDeletedError(streamId));
    case 'too_large':
      return callback(
        serviceError(
          GrpcStatus.INVALID_ARGUMENT,
          `Maximum append size of ${outcome.maxAppendSize} exceeded.`,
          'maximum-append-size-exceeded',
          { 'maximum-append-size': String(outcome.maxAppendSize) },
        ),
      );
  }
}

function setExpected(
  expected: ExpectedRevision,
  set: { any(): void; noStream(): void; streamExists(): void; exact(revision: number): void },
): void {
  if (expected.kind === 'exact') set.exact(expected.revision);
  else if (expected.kind === 'no_stream') set.noStream();
  else if (expected.kind === 'stream_exists') set.streamExists();
  else set.any();
}

interface PendingBatch {
  options: BatchAppendReq.Options;
  events: ProposedEvent[];
}

/**
 * BatchAppend multiplexes many appends over one bidirectional call, each identified by a
 * correlation id and complete when a message with `is_final` arrives.
 */
export function batchAppendHandler(log: EventLog) {
  return (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void => {
    const pending = new Map<string, PendingBatch>();
    call.on('data', (req: BatchAppendReq) => {
      let correlationId: string;
      try {
        correlationId = uuidOf(req.getCorrelationId());
      } catch (error) {
        call.emit('error', toServiceError(error));
        return;
      }
      const reply = new BatchAppendResp().setCorrelationId(new UUID().setString(correlationId));
      try {
        let batch = pending.get(correlationId);
        if (!batch) {
          const options = req.getOptions();
          if (!options) throw new InvalidRequest('The first message of a batch must carry the options.');
          batch = { options, events: [] };
          pending.set(correlationId, batch);
        }
        for (const message of req.getProposedMessagesList()) batch.events.push(toProposedEvent(message));
        if (!req.getIsFinal()) return;
        pending.delete(correlationId);
        call.write(commitBatch(log, batch, reply));
      } catch (error) {
        pending.delete(correlationId);
        const message = error instanceof InvalidRequest ? error.message : 'Internal error.';
        const code = error instanceof InvalidRequest ? GrpcStatus.INVALID_ARGUMENT : GrpcStatus.INTERNAL;
        call.write(reply.setError(rpcStatus(code, message)));
      }
    });
    call.on('end', () => call.end());
    call.on('error', () => pending.clear());
    call.on('cancelled', () => pending.clear());
  };
}

function commitBatch(log: EventLog, batch: PendingBatch, reply: BatchAppendResp): BatchAppendResp {
  const options = batch.options;
  const streamId = streamNameOf(options.getStreamIdentifier());
  const expected = expectedRevisionOf({
    any: options.hasAny(),
    noStream: options.hasNoStream(),
    streamExists: options.hasStreamExists(),
    revision: options.hasStreamPosition() ? options.getStreamPosition() : undefined,
  });
  reply.setStreamIdentifier(streamIdentifier(streamId));
  setExpected(expected, {
    any: () => reply.setAny(new ProtoEmpty()),
    noStream: () => reply.setNoStream(new ProtoEmpty()),
    streamExists: () => reply.setStreamExists(new ProtoEmpty()),
    exact: (r) => reply.setStreamPosition(String(r)),
  });
  const outcome = log.append(streamId, expected, batch.events);
  switch (outcome.status) {
    case 'ok': {
      const success = new BatchAppendResp.Success().setPosition(
        new AllStreamPosition()
          .setCommitPosition(String(outcome.position))
          .setPreparePosition(String(outcome.position)),
      );
      if (outcome.currentRevision < 0) success.setNoStream(new ProtoEmpty());
      else success.setCurrentRevision(String(outcome.currentRevision));
      return reply.setSuccess(success);
    }
    case 'wrong_expected_version': {
      const details = new WrongExpectedVersion();
      if (outcome.currentRevision === undefined) details.setCurrentNoStream(new ProtoEmpty());
      else details.setCurrentStreamRevision(String(outcome.currentRevision));
      setExpected(expected, {
        any: () => details.setExpectedAny(new ProtoEmpty()),
        noStream: () => details.setExpectedNoStream(new ProtoEmpty()),
        streamExists: () => details.setExpectedStreamExists(new ProtoEmpty()),
        exact: (r) => details.setExpectedStreamPosition(String(r)),
      });
      return reply.setError(
        rpcStatus(GrpcStatus.FAILED_PRECONDITION, 'Wrong expected version.', details, 'WrongExpectedVersion'),
      );
    }
    case 'stream_deleted': {
      const details = new StreamDeleted().setStreamIdentifier(streamIdentifier(streamId));
      return reply.setError(
        rpcStatus(
          GrpcStatus.FAILED_PRECONDITION,
          `Stream '${streamId}' is deleted.`,
          details,
          'StreamDeleted',
        ),
      );
    }
    case 'too_large': {
      const details = new MaximumAppendSizeExceeded().setMaxappendsize(outcome.maxAppendSize);
      return reply.setError(
        rpcStatus(
          GrpcStatus.INVALID_ARGUMENT,
          'Maximum append size exceeded.',
          details,
          'MaximumAppendSizeExceeded',
        ),
      );
    }
  }
}

/** The client reads every batch error through its packed details, so each one carries some. */
function rpcStatus(
  code: GrpcStatus,
  message: string,
  details: { serializeBinary(): Uint8Array } = new Unknown(),
  detailsType = 'Unknown',
): Status {
  const any = new Any();
  any.pack(details.serializeBinary(), `event_store.client.${detailsType}`);
  return new Status()
    .setCode(code as number)
    .setMessage(message)
    .setDetails(any);
}
