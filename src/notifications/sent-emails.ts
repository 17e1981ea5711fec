import { Collection, Db } from 'mongodb';
import { MailTransport } from './mail/mailer';
import { isDuplicateKey } from '../eventsourcing/duplicate-key';

/**
 * An e-mail the reactor has sent, or only recorded when there is no SMTP server: at once the
 * reactor's inbox (one document per message id) and the outbox the `sentEmails` query lists.
 */
export interface SentEmailDocument {
  /** The message id: derived from the triggering event and the recipient. */
  _id: string;
  eventId: string;
  userId: string;
  /** The address, normalised as `normaliseEmail` does, so it is found whatever its spelling. */
  to: string;
  subject: string;
  text: string;
  sentAt: Date;
  transport: MailTransport;
}

export const SENT_EMAILS = 'sent_emails';

export class SentEmails {
  readonly collection: Collection<SentEmailDocument>;

  constructor(db: Db) {
    this.collection = db.collection<SentEmailDocument>(SENT_EMAILS);
  }

  async prepare(): Promise<void> {
    await this.collection.createIndexes([
      { key: { to: 1, sentAt: -1, _id: -1 }, name: 'to_sentAt_id' },
      { key: { sentAt: -1, _id: -1 }, name: 'sentAt_id' },
      { key: { userId: 1 }, name: 'userId' },
    ]);
  }

  async has(messageId: string): Promise<boolean> {
    return (await this.collection.findOne({ _id: messageId }, { projection: { _id: 1 } })) !== null;
  }

  /** Records a sent e-mail; recording it again changes nothing. */
  async record(email: SentEmailDocument): Promise<void> {
    try {
      await this.collection.insertOne(email);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** Every e-mail sent to this person is deleted: nothing of them is left here. */
  async forget(userId: string): Promise<void> {
    await this.collection.deleteMany({ userId });
  }
}
