import { randomBytes } from 'node:crypto';
import { Binary, Collection, Db } from 'mongodb';
import { lru } from 'tiny-lru';
import { CodedError } from '../deciders/coded-error';
import { isDuplicateKey } from '../duplicate-key';

interface KeyDocument {
  /** The person's id. */
  _id: string;
  /** 32 random bytes; absent once the person is forgotten. */
  key?: Binary;
  forgottenAt?: Date;
}

/** The person was forgotten: nothing personal may be written for them again. */
export class PersonForgottenError extends CodedError {
  constructor(subject: string) {
    super('USER_FORGOTTEN', `User ${subject} was forgotten.`, { userId: subject });
  }
}

/**
 * One AES-256 key per person, in the `personal_data_keys` collection. Forgetting a person
 * replaces the key by a tombstone: every copy of their personal data in the event store becomes
 * unreadable, and no new key is ever made for them.
 */
export class PersonalDataKeys {
  private readonly collection: Collection<KeyDocument>;
  private readonly notForgotten = lru<boolean>(10_000, 1000);

  constructor(db: Db) {
    this.collection = db.collection<KeyDocument>('personal_data_keys');
  }

  /** The person's key, made on first use; throws for a forgotten person. */
  async keyFor(subject: string): Promise<Buffer> {
    for (;;) {
      const existing = await this.collection.findOne({ _id: subject });
      if (existing) {
        if (!existing.key) throw new PersonForgottenError(subject);
        return Buffer.from(existing.key.buffer);
      }
      try {
        await this.collection.insertOne({ _id: subject, key: new Binary(randomBytes(32)) });
      } catch (error) {
        // Another request made it first: use theirs.
        if (!isDuplicateKey(error)) throw error;
      }
    }
  }

  /** The keys of these people that still exist; forgotten and unknown people are left out. */
  async keysOf(subjects: string[]): Promise<Map<string, Buffer>> {
    const keys = new Map<string, Buffer>();
    if (subjects.length === 0) return keys;
    for (const doc of await this.collection.find({ _id: { $in: subjects } }).toArray()) {
      if (doc.key) keys.set(doc._id, Buffer.from(doc.key.buffer));
    }
    return keys;
  }

  /**
   * Whether the person was forgotten. A "no" is remembered for a second: another process may
   * take that long to see a forgetting, this one sees its own at once.
   */
  async isForgotten(subject: string): Promise<boolean> {
    if (this.notForgotten.get(subject)) return false;
    const doc = await this.collection.findOne({ _id: subject }, { projection: { forgottenAt: 1 } });
    if (doc?.forgottenAt !== undefined) return true;
    this.notForgotten.set(subject, true);
    return false;
  }

  /** Shreds the person's key for good. Forgetting twice is harmless. */
  async forget(subject: string): Promise<void> {
    this.notForgotten.delete(subject);
    await this.collection.replaceOne({ _id: subject }, { forgottenAt: new Date() }, { upsert: true });
  }
}
