import { Inject, Injectable } from '@nestjs/common';
import { Db, Filter } from 'mongodb';
import { MONGO_DB } from '../../eventsourcing/tokens';
import { keysetPage } from '../../graphql/keyset-page';
import { normaliseEmail } from '../../identity/email-address';
import { SentEmailDocument, SentEmails } from '../sent-emails';
import { MailTransportEnum, SentEmailConnection, SentEmailType } from './sent-email.type';

/** Lists the e-mails sent, newest first. */
@Injectable()
export class SentEmailsReader {
  private readonly sentEmails: SentEmails;

  constructor(@Inject(MONGO_DB) db: Db) {
    this.sentEmails = new SentEmails(db);
  }

  /** A page, to one address or to anyone, after an opaque cursor. */
  async list(to: string | null | undefined, first: number, after?: string): Promise<SentEmailConnection> {
    const query: Filter<SentEmailDocument> = to == null ? {} : { to: normaliseEmail(to) };
    return keysetPage(this.sentEmails.collection, {
      query,
      field: 'sentAt',
      order: -1,
      first,
      after,
      toNode: toSentEmail,
    });
  }
}

function toSentEmail(doc: SentEmailDocument): SentEmailType {
  return {
    id: doc._id,
    to: doc.to,
    subject: doc.subject,
    text: doc.text,
    sentAt: doc.sentAt,
    transport: doc.transport === 'smtp' ? MailTransportEnum.SMTP : MailTransportEnum.OUTBOX,
  };
}
