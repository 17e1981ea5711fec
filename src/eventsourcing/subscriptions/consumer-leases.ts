import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../duplicate-key';

export const CONSUMER_LEASES = 'consumer_leases';

/** One consumer's lease: which process may run it, and until when unless it renews. */
export interface ConsumerLeaseDocument {
  /** The consumer's name, as its checkpoint is named. */
  _id: string;
  /** The process holding it; null once released (or before anyone took it). */
  holder: string | null;
  /**
   * Raised by every acquisition: the fencing token. A checkpoint is stored under the token of the
   * lease it was reached under, and refused once a later token has been given out.
   */
  token: number;
  /** By MongoDB's clock, so the workers' clocks need not agree: past it, any process may take over. */
  expiresAt: Date;
  acquiredAt?: Date;
  heartbeatAt?: Date;
}

/** This process's hold on a consumer, as given by one acquisition. */
export interface Lease {
  consumer: string;
  holder: string;
  token: number;
}

/** The consumer has been taken over by another process (or can no longer be shown to be ours). */
export class LeaseLostError extends Error {
  constructor(consumer: string) {
    super(`${consumer}: lease lost, another process runs it now`);
    this.name = 'LeaseLostError';
  }
}

/** The outcome of trying to take a consumer: the lease if it was free, and who holds it now. */
export interface Acquisition {
  lease?: Lease;
  holder: string | null;
}

/** Unique per process: the host, the process id, and a random part (process ids are reused). */
export const newHolderId = (): string => `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;

export interface ConsumerLeasesOptions {
  /** How long a lease lasts unless renewed. Default 6 s. */
  ttlMs?: number;
  /** This process's holder id; by default a new one. */
  holder?: string;
}

/**
 * Leases on consumers, kept in MongoDB (`consumer_leases`), so that each consumer runs in one
 * process at a time however many workers run. Every write is a single conditional update: taking
 * a lease succeeds only if it is free, expired, or already this process's; renewing and releasing
 * only while this process still holds the very lease it was given (same holder, same token).
 * Expiry is judged by MongoDB's clock (`$$NOW`), never by the workers'.
 */
export class ConsumerLeases {
  readonly collection: Collection<ConsumerLeaseDocument>;
  readonly holder: string;
  readonly ttlMs: number;

  constructor(db: Db, options: ConsumerLeasesOptions = {}) {
    this.collection = db.collection<ConsumerLeaseDocument>(CONSUMER_LEASES);
    this.holder = options.holder ?? newHolderId();
    this.ttlMs = options.ttlMs ?? 6000;
  }

  /**
   * How often a holder renews (three times a lease, so one late or failed renewal loses nothing)
   * and a process without the lease tries to take it.
   */
  get heartbeatMs(): number {
    return Math.max(10, Math.floor(this.ttlMs / 3));
  }

  /**
   * Takes the consumer if it is free, expired or already this process's, raising its token. Either
   * way, answers who holds it now.
   */
  async acquire(consumer: string): Promise<Acquisition> {
    for (let created = false; ; created = true) {
      const taken = await this.collection.findOneAndUpdate(
        {
          _id: consumer,
          $expr: { $or: [{ $eq: ['$holder', this.holder] }, { $lte: ['$expiresAt', '$$NOW'] }] },
        },
        [
          {
            $set: {
              holder: this.holder,
              token: { $add: ['$token', 1] },
              expiresAt: { $add: ['$$NOW', this.ttlMs] },
              acquiredAt: '$$NOW',
              heartbeatAt: '$$NOW',
            },
          },
        ],
        { returnDocument: 'after' },
      );
      if (taken) return { lease: { consumer, holder: this.holder, token: taken.token }, holder: this.holder };
      const current = await this.find(consumer);
      if (current || created) return { holder: current?.holder ?? null };
      await this.create(consumer);
    }
  }

  /** Extends the lease by a whole TTL from now; false if it is no longer this one (taken over). */
  async renew(lease: Lease): Promise<boolean> {
    const { matchedCount } = await this.collection.updateOne(
      { _id: lease.consumer, holder: lease.holder, token: lease.token },
      [{ $set: { expiresAt: { $add: ['$$NOW', this.ttlMs] }, heartbeatAt: '$$NOW' } }],
    );
    return matchedCount === 1;
  }

  /** Gives the consumer up at once (on a clean stop), so another process takes it without waiting. */
  async release(lease: Lease): Promise<void> {
    await this.collection.updateOne(
      { _id: lease.consumer, holder: lease.holder, token: lease.token },
      { $set: { holder: null, expiresAt: new Date(0) } },
    );
  }

  /** The lease as stored: who holds the consumer, as last renewed. */
  async find(consumer: string): Promise<ConsumerLeaseDocument | undefined> {
    return (await this.collection.findOne({ _id: consumer })) ?? undefined;
  }

  /** A free lease, so that taking it is one conditional update (an upsert cannot use `$expr`). */
  private async create(consumer: string): Promise<void> {
    try {
      await this.collection.updateOne(
        { _id: consumer },
        { $setOnInsert: { holder: null, token: 0, expiresAt: new Date(0) } },
        { upsert: true },
      );
    } catch (error) {
      // Another process created it at the same moment.
      if (!isDuplicateKey(error)) throw error;
    }
  }
}
