import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Db, MongoClient } from 'mongodb';
import { AppRole, loadConfig } from '../config/app-config';
import { EmbeddedEventStore, startEventStoreServer } from '../embedded/eventstore/eventstore-server';
import { EmbeddedMongoServer, startMongoServer } from '../embedded/mongodb/mongo-server';
import { EventSerializer } from '../eventsourcing/event-store/event-serializer';
import { EventsourcingModule } from '../eventsourcing/eventsourcing.module';
import { userEventSchemas } from '../identity/domain/user.events';
import { SentEmailsResolver } from './graphql/sent-emails.resolver';
import { MAILER, Mailer } from './mail/mailer';
import { NotificationsModule } from './notifications.module';
import { ReactorHost } from '../eventsourcing/subscriptions/reactor-host';
import { NOTIFICATIONS_SUBSCRIPTION } from './notifications.reactor';
import { SENT_EMAILS, SentEmailDocument } from './sent-emails';
import { startSmtpServer } from '../../test/support/smtp-server';
import { registerUser } from '../../test/support/user-events';

describe('NotificationsModule', () => {
  let eventStore: EmbeddedEventStore | undefined;
  let mongoServer: EmbeddedMongoServer | undefined;
  let client: EventStoreDBClient;
  let mongo: MongoClient;
  let db: Db;

  beforeAll(async () => {
    eventStore = process.env.EVENTSTORE_URL ? undefined : await startEventStoreServer({ port: 0 });
    mongoServer = process.env.MONGODB_URL ? undefined : await startMongoServer({ port: 0 });
    client = EventStoreDBClient.connectionString(process.env.EVENTSTORE_URL ?? eventStore!.url);
    mongo = await MongoClient.connect(process.env.MONGODB_URL ?? mongoServer!.url);
    db = mongo.db(`notifications_${randomUUID().slice(0, 8)}`);
  });
  afterAll(async () => {
    await db.dropDatabase();
    await client.dispose();
    await mongo.close();
    await eventStore?.close();
    await mongoServer?.close();
  });

  /** The core and this module alone, as the given role runs them. */
  async function boot(role: AppRole, env: Record<string, string> = {}) {
    const config = { ...loadConfig({ ROLE: role, ...env }), jwtSecret: 'unused', hashKey: 'a test hash key' };
    @Module({
      imports: [
        EventsourcingModule.forRoot({
          config,
          client,
          db,
          schemas: userEventSchemas,
          projections: [],
          streams: [],
        }),
        NotificationsModule,
      ],
    })
    class RoleModule {}
    const app = await NestFactory.createApplicationContext(RoleModule, { logger: false });
    await app.init();
    return app;
  }

  const register = (serializer: EventSerializer) => registerUser(client, serializer);

  it('sends on the worker role and lists on the api role; without SMTP_URL e-mails are only recorded', async () => {
    const worker = await boot('worker');
    const api = await boot('api');
    try {
      expect(worker.get<Mailer>(MAILER).transport).toBe('outbox');
      expect(api.get(ReactorHost).status()).toEqual([]);
      const { userId, position } = await register(worker.get(EventSerializer));
      const reactor = worker.get(ReactorHost);
      await expect(waitUntilPast(reactor, position)).resolves.toBe(true);

      const page = await api.get(SentEmailsResolver).sentEmails({ to: `${userId}@example.org`, first: 20 });
      expect(page.edges.map((e) => e.node)).toEqual([
        expect.objectContaining({
          to: `${userId}@example.org`,
          subject: 'Welcome to Meetups',
          transport: 'outbox',
        }),
      ]);
    } finally {
      await worker.close();
      await api.close();
    }
    const checkpoints = db.collection<{ _id: string }>('checkpoints');
    expect(await checkpoints.countDocuments({ _id: NOTIFICATIONS_SUBSCRIPTION })).toBe(1);
  });

  it('delivers over SMTP when SMTP_URL is set, with the Message-ID it recorded', async () => {
    const smtp = await startSmtpServer();
    const app = await boot('all', { SMTP_URL: smtp.url });
    try {
      expect(app.get<Mailer>(MAILER).transport).toBe('smtp');
      const { userId, position } = await register(app.get(EventSerializer));
      await expect(waitUntilPast(app.get(ReactorHost), position)).resolves.toBe(true);

      const [recorded] = await db.collection<SentEmailDocument>(SENT_EMAILS).find({ userId }).toArray();
      expect(recorded.transport).toBe('smtp');
      const mails = smtp.received.filter((r) => r.rcptTo.includes(`${userId}@example.org`));
      expect(mails).toHaveLength(1);
      expect(mails[0].headers.get('message-id')).toBe(`<${recorded._id}@meetups.local>`);
    } finally {
      await app.close();
      await smtp.close();
    }
  });
});

/** Polls the reactor's status, the way a health check would see it. */
async function waitUntilPast(reactors: ReactorHost, position: bigint, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while ((reactors.status().find((s) => s.name === NOTIFICATIONS_SUBSCRIPTION)?.position ?? -1n) < position) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
