import { randomUUID } from 'node:crypto';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { EventLog, TOMBSTONE_EVENT_TYPE } from '../event-log';
import { StoredEvent } from '../event-log.types';
import { drained } from './backpressure';
import { encodeReadEvent } from './read-event-encoder';
import { EventFilter, NO_FILTER } from './filter';
import { streamDeletedError, toServiceError } from './messages';

const PAGE_SIZE = 500;

/** `after` is a position for `$all` and a revision for a stream: delivery starts past it. */
export type SubscriptionTarget =
  { kind: 'all'; after: number; filter: EventFilter } | { kind: 'stream'; streamId: string; after: number };

/**
 * A catch-up subscription. It reads stored events page by page until none are left, then turns
 * live and takes appended events straight from the log's notifications. Both happen on one
 * thread and appends are synchronous, so the switch can neither miss nor repeat an event. A
 * client too slow for the live rate sends it back to catching up from the log.
 */
export class Subscription {
  private cursor: number;
  private live = false;
  private closed = false;
  private scannedSinceCheckpoint = 0;
  private readonly filter: EventFilter;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly call: ServerWritableStream<ReadReq, ReadResp | Buffer>,
    private readonly log: EventLog,
    private readonly target: SubscriptionTarget,
  ) {
    this.cursor = target.after;
    this.filter = target.kind === 'all' ? target.filter : NO_FILTER;
    this.unsubscribe = log.onAppend((events) => this.onAppended(events));
    for (const event of ['cancelled', 'close', 'error', 'finish']) call.once(event, () => this.close());
  }

  start(): void {
    const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
    this.call.write(new ReadResp().setConfirmation(confirmation));
    void this.catchUp();
  }

  private async catchUp(): Promise<void> {
    try {
      while (!this.closed) {
        const page = this.readPage();
        if (page.length === 0) {
          this.goLive();
          return;
        }
        for (const event of page) {
          if (!this.deliver(event)) await drained(this.call);
          if (this.closed) return;
        }
      }
    } catch (error) {
      this.fail(toServiceError(error));
    }
  }

  private readPage(): StoredEvent[] {
    return this.target.kind === 'all'
      ? this.log.allEventsAfter(this.cursor, PAGE_SIZE)
      : this.log.streamEventsAfter(this.target.streamId, this.cursor, PAGE_SIZE);
  }

  private goLive(): void {
    this.live = true;
    const filtered = Number.isFinite(this.filter.checkpointInterval);
    if (filtered && this.scannedSinceCheckpoint > 0) this.checkpoint();
    this.call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
  }

  private onAppended(events: StoredEvent[]): void {
    if (!this.live || this.closed) return;
    for (const event of events) {
      if (this.target.kind === 'stream') {
        if (event.streamId !== this.target.streamId) continue;
        // As a read would: events the stream's metadata hides (a `$tb` ahead, a batch longer
        // than `$maxCount`) are skipped.
        if (!this.log.isReadable(event)) continue;
      }
      if (this.deliver(event)) continue;
      this.live = false;
      this.call.write(new ReadResp().setFellBehind(new ReadResp.FellBehind()));
      void drained(this.call).then(() => this.catchUp());
      return;
    }
  }

  /** Sends the event if it passes the filter; false when the client needs time to catch up. */
  private deliver(event: StoredEvent): boolean {
    this.cursor = this.target.kind === 'all' ? event.position : event.revision;
    if (this.target.kind === 'stream' && event.type === TOMBSTONE_EVENT_TYPE) {
      this.fail(streamDeletedError(this.target.streamId));
      return true;
    }
    let writable = true;
    if (this.filter.matches(event)) writable = this.call.write(encodeReadEvent(event));
    if (++this.scannedSinceCheckpoint >= this.filter.checkpointInterval)
      writable = this.checkpoint() && writable;
    return writable;
  }

  private checkpoint(): boolean {
    this.scannedSinceCheckpoint = 0;
    const checkpoint = new ReadResp.Checkpoint()
      .setCommitPosition(String(this.cursor))
      .setPreparePosition(String(this.cursor));
    return this.call.write(new ReadResp().setCheckpoint(checkpoint));
  }

  private fail(error: ReturnType<typeof toServiceError>): void {
    if (this.closed) return;
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
