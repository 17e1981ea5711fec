import { randomUUID } from 'node:crypto';
import { Db, MongoClient } from 'mongodb';
import { EmbeddedMongoServer, startMongoServer } from '../../embedded/mongodb/mongo-server';
import { InvalidInputError } from '../../graphql/graphql-error.filter';
import { SentEmailDocument, SentEmails } from '../sent-emails';
import { MailTransportEnum } from './sent-email.type';
import { SentEmailsReader } from './sent-emails.reader';

describe('SentEmailsReader', () => {
  let server: EmbeddedMongoServer | undefined;
  let client: MongoClient;
  let db: Db;
  let reader: SentEmailsReader;
  const ids = Array.from({ length: 6 }, () => randomUUID()).sort();
  const email = (n: number, to: string, sentAt: string): SentEmailDocument => ({
    _id: ids[n],
    eventId: randomUUID(),
    userId: randomUUID(),
    to,
    subject: `Subject ${n}`,
    text: `Text ${n}`,
    sentAt: new Date(sentAt),
    transport: n % 2 ? 'smtp' : 'outbox',
  });

  beforeAll(async () => {
    server = process.env.MONGODB_URL ? undefined : await startMongoServer({ port: 0 });
    client = await MongoClient.connect(process.env.MONGODB_URL ?? server!.url);
    db = client.db(`sent_emails_${randomUUID().slice(0, 8)}`);
    const sentEmails = new SentEmails(db);
    await sentEmails.prepare();
    await sentEmails.collection.insertMany([
      email(0, 'ada@example.org', '2030-01-01T10:00:00Z'),
      email(1, 'ada@example.org', '2030-01-03T10:00:00Z'),
      email(2, 'grace@example.org', '2030-01-02T10:00:00Z'),
      email(3, 'ada@example.org', '2030-01-02T10:00:00Z'),
      email(4, 'ada@example.org', '2030-01-02T10:00:00Z'),
      email(5, 'grace@example.org', '2030-01-04T10:00:00Z'),
    ]);
    reader = new SentEmailsReader(db);
  });
  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
    await server?.close();
  });

  const subjects = (page: { edges: { node: { subject: string } }[] }) =>
    page.edges.map((e) => e.node.subject);

  it('lists every e-mail newest first, page by page, ties in the order of their ids', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await reader.list(undefined, 4, after);
      seen.push(...subjects(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(seen).toEqual(['Subject 5', 'Subject 1', 'Subject 4', 'Subject 3', 'Subject 2', 'Subject 0']);
  });

  it('finds the e-mails to an address whatever its spacing, letter case or compatibility forms', async () => {
    for (const to of ['ada@example.org', '  ADA@Example.ORG ', 'ａｄａ@example.org']) {
      expect(subjects(await reader.list(to, 10))).toEqual([
        'Subject 1',
        'Subject 4',
        'Subject 3',
        'Subject 0',
      ]);
    }
    expect(subjects(await reader.list('nobody@example.org', 10))).toEqual([]);
  });

  it('shows each e-mail as it was recorded', async () => {
    const page = await reader.list('grace@example.org', 1);
    expect(page.edges[0].node).toEqual({
      id: ids[5],
      to: 'grace@example.org',
      subject: 'Subject 5',
      text: 'Text 5',
      sentAt: new Date('2030-01-04T10:00:00Z'),
      transport: MailTransportEnum.SMTP,
    });
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: page.edges[0].cursor });
  });

  it('refuses a cursor it did not give out', async () => {
    const forged = Buffer.from(JSON.stringify(['2030-01-01T00:00:00.000Z', 'not-an-id'])).toString(
      'base64url',
    );
    for (const after of ['nonsense', forged, '']) {
      await expect(reader.list(undefined, 10, after)).rejects.toBeInstanceOf(InvalidInputError);
    }
  });
});
