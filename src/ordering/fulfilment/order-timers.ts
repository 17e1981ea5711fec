import { Collection, Db } from 'mongodb';

interface TimerDocument {
  /** The order id. */
  _id: string;
  dueAt: Date;
}

/**
 * Durable timers: when each pending order expires, kept in MongoDB (`order_timers`) so that they
 * still fire after a restart, however long the app was down.
 */
export class OrderTimers {
  private readonly collection: Collection<TimerDocument>;

  constructor(db: Db) {
    this.collection = db.collection<TimerDocument>('order_timers');
  }

  prepare(): Promise<string> {
    return this.collection.createIndex({ dueAt: 1 }, { name: 'by_due' });
  }

  async set(orderId: string, dueAt: Date): Promise<void> {
    await this.collection.updateOne({ _id: orderId }, { $set: { dueAt } }, { upsert: true });
  }

  async clear(orderId: string): Promise<void> {
    await this.collection.deleteOne({ _id: orderId });
  }

  /** Orders whose time has come, oldest first. */
  async due(now: Date, limit = 100): Promise<string[]> {
    const due = await this.collection
      .find({ dueAt: { $lte: now } })
      .sort({ dueAt: 1 })
      .limit(limit)
      .toArray();
    return due.map((timer) => timer._id);
  }
}
