import { Collection, Db, MongoServerError } from 'mongodb';
import { storedPosition } from '../event-store/stored-position';

/** An `$all` position. */
export interface AllPosition {
  commit: bigint;
  prepare: bigint;
}

interface CheckpointDocument {
  _id: string;
  commit: string;
  prepare: string;
  updatedAt: Date;
}

const DUPLICATE_KEY = 11000;

/** Durable checkpoints of subscriptions: the position of the last event each one handled. */
export class CheckpointStore {
  private readonly collection: Collection<CheckpointDocument>;

  constructor(db: Db) {
    this.collection = db.collection<CheckpointDocument>('checkpoints');
  }

  async load(name: string): Promise<AllPosition | undefined> {
    const doc = await this.collection.findOne({ _id: name });
    return doc ? { commit: BigInt(doc.commit), prepare: BigInt(doc.prepare) } : undefined;
  }

  /** Moves a checkpoint forwards only: a save behind the stored position changes nothing. */
  async save(name: string, position: AllPosition): Promise<void> {
    const commit = storedPosition(position.commit);
    try {
      await this.collection.updateOne(
        { _id: name, commit: { $lt: commit } },
        { $set: { commit, prepare: storedPosition(position.prepare), updatedAt: new Date() } },
        { upsert: true },
      );
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
    }
  }

  async delete(name: string): Promise<void> {
    await this.collection.deleteOne({ _id: name });
  }
}
