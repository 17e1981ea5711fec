import { Collection, Db } from 'mongodb';

/** When an order expires, and the conversation its expiry belongs to. */
export interface OrderTimer {
  orderId: string;
  dueAt: Date;
  correlationId: string;
  /** The event that set the timer. */
  causationId: string;
}

interface TimerDocument extends Omit<OrderTimer, 'orderId'> {
  /** The order id. */
  _id: string;
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

  async set({ orderId, ...timer }: OrderTimer): Promise<void> {
    await this.collection.updateOne({ _id: orderId }, { $set: timer }, { upsert: true });
  }

  async clear(orderId: string): Promise<void> {
    await this.collection.deleteOne({ _id: orderId });
  }

  /** Orders whose time has come, oldest first. */
  async due(now: Date, limit = 100): Promise<OrderTimer[]> {
    const due = await this.collection
      .find({ dueAt: { $lte: now } })
      .sort({ dueAt: 1 })
      .limit(limit)
      .toArray();
    return due.map(({ _id, ...timer }) => ({ orderId: _id, ...timer }));
  }
}
