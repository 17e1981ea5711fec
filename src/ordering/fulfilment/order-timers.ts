import { Collection, Db } from 'mongodb';

/**
 * A deadline of an order: when it expires, or when a payment asked for should have been answered;
 * and the conversation it belongs to.
 */
export interface OrderTimer {
  kind: 'expiry' | 'payment';
  orderId: string;
  dueAt: Date;
  correlationId: string;
  /** The event that set the timer. */
  causationId: string;
}

interface TimerDocument extends OrderTimer {
  /** `<kind>/<order id>` */
  _id: string;
}

/**
 * Durable timers: when each pending order expires, and when each payment asked for should have
 * been answered, kept in MongoDB (`order_timers`) so that they still fire after a restart,
 * however long the app was down.
 */
export class OrderTimers {
  private readonly collection: Collection<TimerDocument>;

  constructor(db: Db) {
    this.collection = db.collection<TimerDocument>('order_timers');
  }

  prepare(): Promise<string> {
    return this.collection.createIndex({ dueAt: 1 }, { name: 'by_due' });
  }

  async set(timer: OrderTimer): Promise<void> {
    await this.collection.updateOne(
      { _id: idOf(timer.kind, timer.orderId) },
      { $set: timer },
      { upsert: true },
    );
  }

  async clear(kind: OrderTimer['kind'], orderId: string): Promise<void> {
    await this.collection.deleteOne({ _id: idOf(kind, orderId) });
  }

  /** Orders whose time has come, oldest first. */
  async due(now: Date, limit = 100): Promise<OrderTimer[]> {
    const due = await this.collection
      .find({ dueAt: { $lte: now } })
      .sort({ dueAt: 1 })
      .limit(limit)
      .toArray();
    return due.map(({ kind, orderId, dueAt, correlationId, causationId }) => ({
      kind,
      orderId,
      dueAt,
      correlationId,
      causationId,
    }));
  }
}

const idOf = (kind: OrderTimer['kind'], orderId: string) => `${kind}/${orderId}`;
