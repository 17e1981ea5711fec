import { Collection, Db } from 'mongodb';
import { RebuildProgress, SubscriptionState, SubscriptionStatus } from './subscription-runner';

export const CONSUMER_STATUS = 'consumer_status';

/** A consumer's status as its holder last published it. */
export interface PublishedStatus {
  /** The consumer's name. */
  _id: string;
  holder: string;
  state: SubscriptionState;
  /** Positions as decimal strings. */
  position: string;
  lastError?: string;
  eventsPerSecond: number;
  version?: number;
  rebuild?: Omit<RebuildProgress, 'position'> & { position: string };
  publishedAt: Date;
}

/**
 * Where each consumer's holder publishes its status on every heartbeat (`consumer_status`), so
 * that any process (an API, the command line) can show what runs where. A status is only as
 * current as its holder's lease: once that has lapsed, nobody runs the consumer.
 */
export class ConsumerBoard {
  readonly collection: Collection<PublishedStatus>;

  constructor(db: Db) {
    this.collection = db.collection<PublishedStatus>(CONSUMER_STATUS);
  }

  async publish(holder: string, status: SubscriptionStatus): Promise<void> {
    const { name, state, position, lastError, eventsPerSecond, version, rebuild } = status;
    const published: Omit<PublishedStatus, '_id'> = {
      holder,
      state,
      position: position.toString(),
      eventsPerSecond,
      ...(lastError ? { lastError } : {}),
      ...(version !== undefined ? { version } : {}),
      ...(rebuild ? { rebuild: { ...rebuild, position: rebuild.position.toString() } } : {}),
      publishedAt: new Date(),
    };
    await this.collection.replaceOne({ _id: name }, published, { upsert: true });
  }

  async all(): Promise<PublishedStatus[]> {
    return this.collection.find({}).toArray();
  }
}
