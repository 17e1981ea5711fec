import { Collection, Db } from 'mongodb';

/** An `$all` position; kept as decimal strings in MongoDB so no precision is ever lost. */
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

  async save(name: string, position: AllPosition): Promise<void> {
    await this.collection.updateOne(
      { _id: name },
      { $set: { commit: String(position.commit), prepare: String(position.prepare), updatedAt: new Date() } },
      { upsert: true },
    );
  }

  async delete(name: string): Promise<void> {
    await this.collection.deleteOne({ _id: name });
  }
}
