import type { ServerWritableStream } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { EventLog } from '../event-log';
import { AllStart, Direction, StoredEvent, StreamStart } from '../event-log.types';
import { send } from './backpressure';
import { encodeReadEvent } from './read-event-encoder';
import { compileFilter, EventFilter } from './filter';
import { MessageBatch } from './message-batch';
import {
  InvalidRequest,
  parseRevision,
  streamDeletedError,
  streamIdentifier,
  streamNameOf,
  toServiceError,
} from './messages';
import { Subscription } from './subscription';

export type ReadCall = ServerWritableStream<ReadReq, ReadResp | Buffer>;

const PAGE_SIZE = 500;

/** Read serves both finite reads and subscriptions, to one stream or to `$all`. */
export function readHandler(log: EventLog) {
  return (call: ReadCall): void => {
    try {
      const options = call.request.getOptions();
      if (!options) throw new InvalidRequest('Read options are required.');
      const filter = compileFilter(options.hasFilter() ? options.getFilter() : undefined);
      if (options.hasSubscription()) {
        startSubscription(log, call, options, filter);
        return;
      }
      const direction: Direction =
        options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS ? 'backwards' : 'forwards';
      const count = options.hasCount() ? parseRevision(options.getCount()) : Number.MAX_SAFE_INTEGER;
      // Events leave in batches (see MessageBatch); anything else through grpc-js, once they are out.
      const out = new MessageBatch(call);
      const read = options.hasAll()
        ? readAll(log, call, out, allStartOf(options.getAll()!), direction, count, filter)
        : readStream(
            log,
            call,
            out,
            streamNameOf(options.getStream()?.getStreamIdentifier()),
            options,
            direction,
            count,
          );
      read.then(
        () => {
          out.write();
          call.end();
        },
        (error) => {
          out.write();
          call.emit('error', toServiceError(error));
        },
      );
    } catch (error) {
      call.emit('error', toServiceError(error));
    }
  };
}

function startSubscription(
  log: EventLog,
  call: ReadCall,
  options: ReadReq.Options,
  filter: EventFilter,
): void {
  if (options.hasAll()) {
    const start = allStartOf(options.getAll()!);
    const after = start.kind === 'start' ? -1 : start.kind === 'end' ? log.headPosition - 1 : start.position;
    new Subscription(call, log, { kind: 'all', after, filter }).start();
    return;
  }
  const streamId = streamNameOf(options.getStream()?.getStreamIdentifier());
  if (log.isTombstoned(streamId)) {
    call.emit('error', streamDeletedError(streamId));
    return;
  }
  const start = streamStartOf(options.getStream()!);
  const after =
    start.kind === 'start' ? -1 : start.kind === 'end' ? log.lastRevisionOf(streamId) : start.revision;
  new Subscription(call, log, { kind: 'stream', streamId, after }).start();
}

async function readStream(
  log: EventLog,
  call: ReadCall,
  out: MessageBatch,
  streamId: string,
  options: ReadReq.Options,
  direction: Direction,
  count: number,
): Promise<void> {
  let from = streamStartOf(options.getStream()!);
  let remaining = count;
  while (remaining > 0 && !call.cancelled && out.open) {
    const outcome = log.readStream(streamId, from, direction, Math.min(remaining, PAGE_SIZE));
    if (outcome.status === 'deleted') throw streamDeletedError(streamId);
    if (outcome.status === 'not_found') {
      const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(streamId));
      await out.flushed();
      await send(call, new ReadResp().setStreamNotFound(notFound));
      return;
    }
    const events = outcome.events;
    for (const event of events) {
      out.addFramed(encodeReadEvent(event, true));
      if (out.full) await out.flushed();
    }
    await out.flushed();
    if (events.length < Math.min(remaining, PAGE_SIZE)) return;
    remaining -= events.length;
    const last = events[events.length - 1].revision;
    if (direction === 'backwards' && last === 0) return;
    from = { kind: 'revision', revision: direction === 'forwards' ? last + 1 : last - 1 };
  }
}

async function readAll(
  log: EventLog,
  call: ReadCall,
  out: MessageBatch,
  start: AllStart,
  direction: Direction,
  count: number,
  filter: EventFilter,
): Promise<void> {
  let from = start;
  let remaining = count;
  while (remaining > 0 && !call.cancelled && out.open) {
    const page: StoredEvent[] = log.readAll(from, direction, PAGE_SIZE);
    for (const event of page) {
      if (!filter.matches(event)) continue;
      out.addFramed(encodeReadEvent(event, true));
      if (--remaining === 0) return;
      if (out.full) await out.flushed();
    }
    await out.flushed();
    if (page.length < PAGE_SIZE) return;
    const last = page[page.length - 1].position;
    from = { kind: 'position', position: direction === 'forwards' ? last + 1 : last };
  }
}

function allStartOf(options: ReadReq.Options.AllOptions): AllStart {
  if (options.hasPosition()) {
    const commit = Number(options.getPosition()!.getCommitPosition());
    if (!Number.isSafeInteger(commit) || commit < 0) throw new InvalidRequest('Invalid $all position.');
    return { kind: 'position', position: commit };
  }
  return options.hasEnd() ? { kind: 'end' } : { kind: 'start' };
}

function streamStartOf(options: ReadReq.Options.StreamOptions): StreamStart {
  if (options.hasRevision()) return { kind: 'revision', revision: parseRevision(options.getRevision()) };
  return options.hasEnd() ? { kind: 'end' } : { kind: 'start' };
}
