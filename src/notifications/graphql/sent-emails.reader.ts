import { Inject, Injectable } from '@nestjs/common';
import { Db, Filter } from 'mongodb';
import { MONGO_DB } from '../../eventsourcing/tokens';
import { InvalidInputError } from '../../graphql/graphql-error.filter';
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
    const cursor = after == null ? undefined : decodeCursor(after);
    const page = cursor
      ? {
          $and: [
            query,
            {
              $or: [{ sentAt: { $lt: cursor.sentAt } }, { sentAt: cursor.sentAt, _id: { $lt: cursor.id } }],
            },
          ],
        }
      : query;
    const docs = await this.sentEmails.collection
      .find(page)
      .sort({ sentAt: -1, _id: -1 })
      .limit(first + 1)
      .toArray();
    const edges = docs
      .slice(0, first)
      .map((doc) => ({ cursor: encodeCursor(doc.sentAt, doc._id), node: toSentEmail(doc) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: docs.length > first,
        endCursor: edges.length ? edges[edges.length - 1].cursor : null,
      },
    };
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

const encodeCursor = (sentAt: Date, id: string): string =>
  Buffer.from(JSON.stringify([sentAt.toISOString(), id])).toString('base64url');

function decodeCursor(cursor: string): { sentAt: Date; id: string } {
  try {
    const [sentAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const date = new Date(typeof sentAt === 'string' ? sentAt : Number.NaN);
    if (typeof id !== 'string' || !MESSAGE_ID.test(id)) throw new Error();
    // Only what encodeCursor writes, byte for byte: base64url decoding skips what it cannot read.
    if (Number.isNaN(date.getTime()) || encodeCursor(date, id) !== cursor) throw new Error();
    return { sentAt: date, id };
  } catch {
    throw new InvalidInputError([{ field: 'after', problems: ['after must be a cursor this API gave out'] }]);
  }
}

const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
