import { Collection, Db } from 'mongodb';

interface RecipientDocument {
  /** The user id. */
  _id: string;
  email: string;
}

/**
 * Where to write to each user, as the reactor learnt it from `UserRegistered` and forgets it on
 * `UserForgotten` (collection `notification_recipients`). Kept by the reactor itself, so it is
 * always as far along the stream as the events it handles.
 */
export class Recipients {
  private readonly collection: Collection<RecipientDocument>;

  constructor(db: Db) {
    this.collection = db.collection<RecipientDocument>('notification_recipients');
  }

  async remember(userId: string, email: string): Promise<void> {
    await this.collection.updateOne({ _id: userId }, { $set: { email } }, { upsert: true });
  }

  async emailOf(userId: string): Promise<string | undefined> {
    return (await this.collection.findOne({ _id: userId }))?.email;
  }

  async forget(userId: string): Promise<void> {
    await this.collection.deleteOne({ _id: userId });
  }
}
