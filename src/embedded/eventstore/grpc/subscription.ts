import { randomUUID } from 'node:crypto';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { EventLog, TOMBSTONE_EVENT_TYPE } from '../event-log';
import { StoredEvent } from '../event-log.types';
import { drained } from './backpressure';
import { encodeReadEvent } from './read-event-encoder';
import { EventFilter, NO_FILTER } from './filter';
import { MessageBatch } from './message-batch';
import { streamDeletedError, toServiceError } from './messages';

const PAGE_SIZE = 500;

/** `after` is a position for `$all` and a revision for a stream: delivery starts past it. */
export type SubscriptionTarget =
  { kind: 'all'; after: number; filter: EventFilter } | { kind: 'stream'; streamId: string; after: number };

/** The matching events one page of EventStoreDB's filtered `$all` reads returns at most. */
const FILTERED_PAGE_SIZE = 32;

/**
 * When a filtered `$all` subscription sends checkpoints, as KurrentDB does (its
 * `Enumerator.AllSubscriptionFiltered`, `AllReader` and `SubscriptionsService`). Both counts are
 * of events scanned, matching the filter or not:
 *
 * - catching up, events are read in pages that end after 32 matching events or `maxSearchWindow`
 *   scanned ones; at the end of a page, once the events scanned since catching up began reach
 *   `checkpointInterval × maxSearchWindow`, one checkpoint is sent and the count keeps the rest.
 *   Reaching the end of the log sends one more;
 * - live, every `checkpointInterval × maxSearchWindow` events appended since the subscription
 *   started send one (those counted while catching up included).
 */
class CheckpointCadence {
  private pageScanned = 0;
  private pageMatched = 0;
  private catchUpScanned = 0;
  private appended = 0;

  constructor(private readonly filter: EventFilter) {}

  get enabled(): boolean {
    return Number.isFinite(this.filter.checkpointInterval);
  }

  startCatchUp(alreadyScanned: number): void {
    this.pageScanned = alreadyScanned;
    this.pageMatched = 0;
    this.catchUpScanned = 0;
  }

  /** An event scanned while catching up; true when its page ends with a checkpoint due. */
  scanned(matched: boolean): boolean {
    this.pageScanned++;
    if (matched) this.pageMatched++;
    if (this.pageMatched < FILTERED_PAGE_SIZE && this.pageScanned < this.filter.searchWindow) return false;
    this.catchUpScanned += this.pageScanned;
    this.pageScanned = 0;
    this.pageMatched = 0;
    if (this.catchUpScanned < this.filter.checkpointInterval) return false;
    this.catchUpScanned %= this.filter.checkpointInterval;
    return true;
  }

  /** An event appended to the log; true when a live checkpoint is due. */
  append(): boolean {
    if (++this.appended < this.filter.checkpointInterval) return false;
    this.appended = 0;
    return true;
  }
}

/**
 * A catch-up subscription. It reads stored events page by page until none are left, then turns
 * live and takes appended events straight from the log's notifications. Both happen on one
 * thread and appends are synchronous, so the switch can neither miss nor repeat an event. A
 * client too slow for the live rate sends it back to catching up from the log.
 *
 * Catching up, messages leave in batches (see `MessageBatch`); live, one by one through grpc-js,
 * so that a client falls behind exactly as before. grpc-js holds none of the call's messages when
 * catching up starts: at the start only the confirmation has been handed on, and after falling
 * behind catching up waits for grpc-js to drain.
 */
export class Subscription {
  private cursor: number;
  private live = false;
  private closed = false;
  /** Whether catching up ends with a checkpoint: not when the subscription starts at the end. */
  private checkpointOnCaughtUp: boolean;
  private lastCheckpoint = -1;
  private readonly filter: EventFilter;
  private readonly cadence: CheckpointCadence;
  private readonly unsubscribe: () => void;
  private readonly batch: MessageBatch;
  /** While catching up, messages go into the batch. */
  private batching = false;

  constructor(
    private readonly call: ServerWritableStream<ReadReq, ReadResp | Buffer>,
    private readonly log: EventLog,
    private readonly target: SubscriptionTarget,
  ) {
    this.cursor = target.after;
    this.filter = target.kind === 'all' ? target.filter : NO_FILTER;
    this.cadence = new CheckpointCadence(this.filter);
    this.checkpointOnCaughtUp = this.cadence.enabled && log.allEventsAfter(target.after, 1).length > 0;
    // Reading forwards from a position includes the event there: it is scanned, not sent again.
    const [atStart] = this.cadence.enabled ? log.allEventsAfter(target.after - 1, 1) : [];
    this.cadence.startCatchUp(atStart?.position === target.after ? 1 : 0);
    this.unsubscribe = log.onAppend((events) => this.onAppended(events));
    this.batch = new MessageBatch(call);
    for (const event of ['cancelled', 'close', 'error', 'finish']) call.once(event, () => this.close());
  }

  start(): void {
    const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
    this.call.write(new ReadResp().setConfirmation(confirmation));
    void this.catchUp();
  }

  private async catchUp(): Promise<void> {
    this.batching = true;
    try {
      while (!this.closed) {
        const page = this.readPage();
        if (page.length === 0) {
          this.batching = false;
          this.goLive();
          return;
        }
        for (const event of page) {
          this.deliver(event);
          if (this.cadence.enabled && this.cadence.scanned(this.filter.matches(event))) this.checkpoint();
          if (this.batch.full) await this.batch.flushed();
          if (this.closed || !this.batch.open) return;
        }
        await this.batch.flushed();
      }
    } catch (error) {
      this.fail(toServiceError(error));
    } finally {
      this.batching = false;
    }
  }

  private readPage(): StoredEvent[] {
    return this.target.kind === 'all'
      ? this.log.allEventsAfter(this.cursor, PAGE_SIZE)
      : this.log.streamEventsAfter(this.target.streamId, this.cursor, PAGE_SIZE);
  }

  private goLive(): void {
    this.live = true;
    if (this.checkpointOnCaughtUp) this.checkpoint();
    this.checkpointOnCaughtUp = this.cadence.enabled;
    this.call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
  }

  private onAppended(events: StoredEvent[]): void {
    if (this.closed) return;
    for (const event of events) {
      const checkpointDue = this.cadence.enabled && this.cadence.append();
      if (!this.live) continue;
      // Live events are delivered as appended, without the stream's metadata limits, as on
      // EventStoreDB (catching up reads through them).
      if (this.target.kind === 'stream' && event.streamId !== this.target.streamId) continue;
      let writable = this.deliver(event);
      if (checkpointDue) writable = this.checkpoint() && writable;
      if (writable) continue;
      this.fallBehind();
      return;
    }
  }

  /** The client is slower than the live rate: it gets what follows from the log instead. */
  private fallBehind(): void {
    this.live = false;
    this.call.write(new ReadResp().setFellBehind(new ReadResp.FellBehind()));
    // As KurrentDB does, a checkpoint before catching up again keeps one within every interval.
    if (this.cadence.enabled) this.checkpoint();
    this.cadence.startCatchUp(0);
    void drained(this.call).then(() => this.catchUp());
  }

  /** Sends the event if it passes the filter; false when the client needs time to catch up. */
  private deliver(event: StoredEvent): boolean {
    this.cursor = this.target.kind === 'all' ? event.position : event.revision;
    if (this.target.kind === 'stream' && event.type === TOMBSTONE_EVENT_TYPE) {
      this.fail(streamDeletedError(this.target.streamId));
      return true;
    }
    if (!this.filter.matches(event)) return true;
    if (!this.batching) return this.call.write(encodeReadEvent(event));
    this.batch.addFramed(encodeReadEvent(event, true));
    return true;
  }

  /** A checkpoint at the last event scanned; never one at or before the previous one. */
  private checkpoint(): boolean {
    if (this.cursor <= this.lastCheckpoint || this.cursor < 0) return true;
    this.lastCheckpoint = this.cursor;
    const checkpoint = new ReadResp.Checkpoint()
      .setCommitPosition(String(this.cursor))
      .setPreparePosition(String(this.cursor));
    return this.send(Buffer.from(new ReadResp().setCheckpoint(checkpoint).serializeBinary()));
  }

  /** Into the batch while catching up (true: it is flushed as it fills), else through grpc-js. */
  private send(message: Buffer): boolean {
    if (!this.batching) return this.call.write(message);
    this.batch.add(message);
    return true;
  }

  private fail(error: ReturnType<typeof toServiceError>): void {
    if (this.closed) return;
    // What was sent before the failure leaves before it.
    if (this.batching) this.batch.write();
    this.close();
    this.call.emit('error', error);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.live = false;
    this.unsubscribe();
  }
}
