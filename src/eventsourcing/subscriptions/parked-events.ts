import { EventEmitter } from 'node:events';
import { Collection, Db } from 'mongodb';
import { parkedEventIdFor } from '../event-store/deterministic-ids';
import { RecordedDomainEvent } from '../event-store/event-metadata';
import { storedPosition } from '../event-store/stored-position';
import type { AllPosition } from './checkpoint-store';

/**
 * `parked`: skipped by its consumer after failing. `replay-requested`: the consumer applies it
 * again when it next looks (about once a second, wherever it runs). `replayed`: applied; kept so
 * that it is never applied twice. `discarded`: never to be applied; kept so that a projection
 * rebuilding one of its documents leaves it out.
 */
export type ParkedEventState = 'parked' | 'replay-requested' | 'replayed' | 'discarded';

export interface ParkedEventDocument {
  _id: string;
  consumer: string;
  eventId: string;
  streamId: string;
  type: string;
  revision: string;
  /** The `$all` commit position, stored as every position is (20 digits). */
  position: string;
  prepare: string;
  /** The last error: the one it was parked with, or the one its last replay failed with. */
  error: string;
  /** How many times it was tried on its own: before parking, then once per failed replay. */
  attempts: number;
  parkedAt: Date;
  state: ParkedEventState;
  replayRequestedAt?: Date;
  replayedAt?: Date;
  discardedAt?: Date;
}

export const PARKED_EVENTS = 'parked_events';

/** Not applied yet, and listed for an admin to replay or discard. */
const PENDING: ParkedEventState[] = ['parked', 'replay-requested'];
const UNAPPLIED: ParkedEventState[] = [...PENDING, 'discarded'];

/**
 * Events a consumer gave up on, kept in MongoDB so that any process may list them and ask for a
 * replay, which the process running the consumer carries out. In the process that asks, a
 * consumer running there hears of the request at once (`replay-requested`, with its name).
 */
export class ParkedEvents extends EventEmitter {
  readonly collection: Collection<ParkedEventDocument>;

  constructor(db: Db) {
    super();
    this.setMaxListeners(0);
    this.collection = db.collection<ParkedEventDocument>(PARKED_EVENTS);
  }

  private prepared: Promise<unknown> | undefined;

  /** Its index, made once per process whatever the number of consumers. */
  async prepare(): Promise<void> {
    this.prepared ??= this.collection
      .createIndexes([{ key: { consumer: 1, position: 1 } }])
      .catch((error) => {
        this.prepared = undefined;
        throw error;
      });
    await this.prepared;
  }

  /** Parking an event again (its batch delivered again after a crash) keeps the first record. */
  async park(
    consumer: string,
    event: RecordedDomainEvent,
    position: AllPosition,
    error: string,
    attempts: number,
  ): Promise<void> {
    const record: ParkedEventDocument = {
      _id: parkedEventIdFor(consumer, event.eventId),
      consumer,
      eventId: event.eventId,
      streamId: event.streamId,
      type: event.type,
      revision: String(event.revision),
      position: storedPosition(position.commit),
      prepare: storedPosition(position.prepare),
      error,
      attempts,
      parkedAt: new Date(),
      state: 'parked',
    };
    const { _id, ...fields } = record;
    await this.collection.updateOne({ _id }, { $setOnInsert: fields }, { upsert: true });
  }

  /** Not applied yet, oldest first. */
  pending(consumer: string, limit = 0): Promise<ParkedEventDocument[]> {
    return this.collection
      .find({ consumer, state: { $in: PENDING } })
      .sort({ position: 1 })
      .limit(limit)
      .toArray();
  }

  count(consumer: string): Promise<number> {
    return this.collection.countDocuments({ consumer, state: { $in: PENDING } });
  }

  byIds(ids: string[]): Promise<ParkedEventDocument[]> {
    return this.collection
      .find({ _id: { $in: ids } })
      .sort({ position: 1 })
      .toArray();
  }

  async hasConsumer(consumer: string): Promise<boolean> {
    return (await this.collection.countDocuments({ consumer }, { limit: 1 })) > 0;
  }

  /** Asks for every pending event of the consumer to be replayed; answers their ids. */
  async requestReplay(consumer: string): Promise<string[]> {
    const pending = await this.pending(consumer);
    await this.collection.updateMany(
      { consumer, state: 'parked' },
      { $set: { state: 'replay-requested', replayRequestedAt: new Date() } },
    );
    this.emit('replay-requested', consumer);
    return pending.map((record) => record._id);
  }

  /** Those the consumer has passed (`upTo`, a commit position), oldest first. */
  replayRequested(consumer: string, upTo: bigint): Promise<ParkedEventDocument[]> {
    return this.collection
      .find({ consumer, state: 'replay-requested', position: { $lte: storedPosition(upTo) } })
      .sort({ position: 1 })
      .toArray();
  }

  /** The ids of the events the consumer has not applied, and must not apply unasked. */
  async unapplied(consumer: string): Promise<Set<string>> {
    const records = await this.collection
      .find({ consumer, state: { $in: UNAPPLIED } }, { projection: { eventId: 1 } })
      .toArray();
    return new Set(records.map((record) => record.eventId));
  }

  async markReplayed(id: string): Promise<void> {
    await this.collection.updateOne(
      { _id: id, state: 'replay-requested' },
      { $set: { state: 'replayed', replayedAt: new Date() } },
    );
  }

  async markReplayFailed(id: string, error: string): Promise<void> {
    await this.collection.updateOne(
      { _id: id, state: 'replay-requested' },
      { $set: { state: 'parked', error }, $inc: { attempts: 1 } },
    );
  }

  /** Discards a parked event; undefined if there is none in the state `parked` with this id. */
  async discard(id: string): Promise<ParkedEventDocument | undefined> {
    const discarded = await this.collection.findOneAndUpdate(
      { _id: id, state: 'parked' },
      { $set: { state: 'discarded', discardedAt: new Date() } },
      { returnDocument: 'after' },
    );
    return discarded ?? undefined;
  }

  async find(id: string): Promise<ParkedEventDocument | undefined> {
    return (await this.collection.findOne({ _id: id })) ?? undefined;
  }
}
