import { Collection, Db } from 'mongodb';
import { storedPosition } from '../event-store/stored-position';
import { LeaseLostError } from './consumer-leases';
import { isDuplicateKey } from '../duplicate-key';

/** An `$all` position. */
export interface AllPosition {
  commit: bigint;
  prepare: bigint;
}

interface CheckpointDocument {
  _id: string;
  /** Absent until the consumer stores its first position (a fence may come first). */
  commit?: string;
  prepare?: string;
  updatedAt?: Date;
  /**
   * The latest lease token given out on the consumer (see `ConsumerLeases`): a save under an older
   * token comes from a process that has been taken over, and is refused.
   */
  epoch?: number;
}

/** Durable checkpoints of subscriptions: the position of the last event each one handled. */
export class CheckpointStore {
  private readonly collection: Collection<CheckpointDocument>;

  constructor(db: Db) {
    this.collection = db.collection<CheckpointDocument>('checkpoints');
  }

  async load(name: string): Promise<AllPosition | undefined> {
    const doc = await this.collection.findOne({ _id: name });
    return doc?.commit !== undefined && doc.prepare !== undefined
      ? { commit: BigInt(doc.commit), prepare: BigInt(doc.prepare) }
      : undefined;
  }

  /**
   * Moves a checkpoint forwards only: a save behind the stored position changes nothing. With a
   * `fence` (the token of the lease the consumer runs under), a save after a later lease has
   * fenced the checkpoint is refused with `LeaseLostError`, whatever its position.
   */
  async save(name: string, position: AllPosition, fence?: number): Promise<void> {
    const commit = storedPosition(position.commit);
    const behind = { $or: [{ commit: { $exists: false } }, { commit: { $lt: commit } }] };
    try {
      await this.collection.updateOne(
        fence === undefined ? { _id: name, ...behind } : { _id: name, epoch: { $lte: fence }, ...behind },
        {
          $set: {
            commit,
            prepare: storedPosition(position.prepare),
            updatedAt: new Date(),
            ...(fence === undefined ? {} : { epoch: fence }),
          },
        },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Not behind, or fenced off: only the second is an error.
      if (fence !== undefined && ((await this.collection.findOne({ _id: name }))?.epoch ?? 0) > fence)
        throw new LeaseLostError(name);
    }
  }

  /**
   * Raises the checkpoint's fence to a newly taken lease's token, before the new holder loads it:
   * from then on no save under an older token is taken, so the position it loads is the last an
   * earlier holder could store. `LeaseLostError` if a later token has fenced it already.
   */
  async fence(name: string, token: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const fenced = await this.collection.findOneAndUpdate(
          { _id: name },
          { $max: { epoch: token } },
          { upsert: true, returnDocument: 'after' },
        );
        if ((fenced?.epoch ?? token) > token) throw new LeaseLostError(name);
        return;
      } catch (error) {
        // Two first fences at once: the second finds the document the first made.
        if (!isDuplicateKey(error) || attempt > 1) throw error;
      }
    }
  }

  async delete(name: string): Promise<void> {
    await this.collection.deleteOne({ _id: name });
  }
}
