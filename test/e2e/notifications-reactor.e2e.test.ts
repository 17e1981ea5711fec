import { randomUUID } from 'node:crypto';
import { Db } from 'mongodb';
import { DomainEvent } from '../../src/eventsourcing/deciders/decider';
import { RecordedDomainEvent } from '../../src/eventsourcing/event-store/event-metadata';
import { EventSchemaRegistry } from '../../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../../src/eventsourcing/event-store/event-serializer';
import { PersonalDataKeys } from '../../src/eventsourcing/personal-data/personal-data-keys';
import { PersonalDataVault } from '../../src/eventsourcing/personal-data/personal-data-vault';
import { CheckpointStore } from '../../src/eventsourcing/subscriptions/checkpoint-store';
import { SubscriptionRunner } from '../../src/eventsourcing/subscriptions/subscription-runner';
import { UserForgotten, UserRegistered, userEventSchemas } from '../../src/identity/domain/user.events';
import { EventSourcedRepository } from '../../src/eventsourcing/deciders/event-sourced-repository';
import { EmailJournal } from '../../src/notifications/email-journal';
import { Mailer, OutgoingEmail } from '../../src/notifications/mail/mailer';
import { messageIdFor } from '../../src/notifications/message-ids';
import { NotificationsHandler } from '../../src/notifications/notifications.handler';
import { Recipients } from '../../src/notifications/recipients';
import { NOTIFICATIONS_SUBSCRIPTION } from '../../src/notifications/notifications.reactor';
import { SENT_EMAILS, SentEmailDocument, SentEmails } from '../../src/notifications/sent-emails';
import { openEventStore } from '../support/eventstore';
import { openMongo } from '../support/mongo';
import { waitFor } from '../support/read';
import { appendUserEvent, registerUser } from '../support/user-events';

/** Records every attempt; refuses (as a failing mail server would) those `refuse` picks. */
class RecordingMailer implements Mailer {
  readonly transport = 'outbox';
  readonly attempts: { message: OutgoingEmail; at: number }[] = [];
  readonly sent: OutgoingEmail[] = [];
  refuse: (message: OutgoingEmail) => boolean = () => false;

  async send(message: OutgoingEmail): Promise<void> {
    this.attempts.push({ message, at: performance.now() });
    if (this.refuse(message)) throw new Error('451 try again later');
    this.sent.push(message);
  }

  sentTo(userId: string): OutgoingEmail[] {
    return this.sent.filter((m) => m.userId === userId);
  }
}

interface Registration {
  userId: string;
  eventId: string;
  position: bigint;
}

/** Stores of their own, and users' events appended as the identity context appends them. */
async function openUserStores(serializerFor: (db: Db) => EventSerializer) {
  const eventStore = await openEventStore();
  const mongo = await openMongo();
  const { client } = eventStore;
  const { db } = mongo;
  const serializer = serializerFor(db);
  const append = (userId: string, event: DomainEvent) => appendUserEvent(client, serializer, userId, event);
  const journal = new EmailJournal(
    new EventSourcedRepository(client, serializer, { fingerprintKey: 'test' }),
  );
  return {
    client,
    db,
    journal,
    register: (data: Partial<UserRegistered['data']> = {}): Promise<Registration> =>
      registerUser(client, serializer, data),
    /** The user's events as a subscription hands them over. */
    async eventsOf(userId: string): Promise<RecordedDomainEvent[]> {
      const events: RecordedDomainEvent[] = [];
      for await (const resolved of client.readStream(`user-${userId}`)) {
        const event = serializer.deserialize(resolved);
        if (event) events.push(event);
      }
      return serializer.reveal(events);
    },
    async forget(userId: string): Promise<bigint> {
      const event: UserForgotten = { type: 'UserForgotten', data: { userId, emailKey: randomUUID() } };
      return (await append(userId, event)).position;
    },
    reactor(mailer: Mailer): SubscriptionRunner {
      const handler = new NotificationsHandler(new SentEmails(db), new Recipients(db), mailer, journal);
      return new SubscriptionRunner(client, serializer, new CheckpointStore(db), {
        name: NOTIFICATIONS_SUBSCRIPTION,
        handle: (events) => handler.handle(events),
        minBackoffMs: 20,
        maxBackoffMs: 1000,
      });
    },
    async close() {
      await eventStore.close();
      await mongo.close();
    },
  };
}

type UserStores = Awaited<ReturnType<typeof openUserStores>>;

const reached = async (runner: SubscriptionRunner, position: bigint) =>
  expect(await runner.waitFor(position, 10_000)).toBe(true);

/** Restarts the reactor without its checkpoint (a document of `checkpoints`): from the first event. */
async function replayFromStart(reactor: SubscriptionRunner, db: Db): Promise<void> {
  await reactor.stop();
  await db.collection<{ _id: string }>('checkpoints').deleteOne({ _id: NOTIFICATIONS_SUBSCRIPTION });
  await reactor.start();
}

describe('notifications reactor', () => {
  let users: UserStores;
  let db: Db;
  let reactor: SubscriptionRunner;
  const mailer = new RecordingMailer();
  const emailsOf = (userId: string) =>
    db.collection<SentEmailDocument>(SENT_EMAILS).find({ userId }).toArray();
  const allEmails = () => db.collection<SentEmailDocument>(SENT_EMAILS).countDocuments();

  beforeAll(async () => {
    users = await openUserStores(() => new EventSerializer(new EventSchemaRegistry()));
    db = users.db;
    await new SentEmails(db).prepare();
    reactor = users.reactor(mailer);
    await reactor.start();
  });
  afterAll(async () => {
    await reactor.stop();
    await users.close();
  });
  afterEach(() => {
    mailer.refuse = () => false;
  });

  it('sends one welcome e-mail per registration and records it under a message id from the event', async () => {
    const ada = await users.register({ displayName: 'Ada Lovelace' });
    const grace = await users.register({ email: '  Grace.Hopper@Example.ORG ', displayName: 'Grace' });
    const nameless = await users.register({ displayName: null });
    await reached(reactor, nameless.position);

    for (const { userId } of [ada, grace, nameless]) expect(mailer.sentTo(userId)).toHaveLength(1);
    expect(mailer.sentTo(ada.userId)[0]).toMatchObject({
      messageId: messageIdFor(ada.eventId, ada.userId),
      to: `${ada.userId}@example.org`,
      subject: 'Welcome to Meetups',
    });
    // Nothing typed at sign-up reaches the e-mail: anyone may sign up with any address.
    expect(mailer.sentTo(ada.userId)[0].text).not.toContain('Ada');
    expect(mailer.sentTo(grace.userId)[0].to).toBe('Grace.Hopper@Example.ORG');
    expect(mailer.sentTo(nameless.userId)[0].subject).toBe('Welcome to Meetups');

    const [recorded] = await emailsOf(grace.userId);
    expect(recorded).toEqual({
      _id: messageIdFor(grace.eventId, grace.userId),
      eventId: grace.eventId,
      userId: grace.userId,
      to: 'grace.hopper@example.org',
      subject: 'Welcome to Meetups',
      text: mailer.sentTo(grace.userId)[0].text,
      sentAt: expect.any(Date),
      transport: 'outbox',
    });
    expect(await emailsOf(ada.userId)).toHaveLength(1);
    expect(await emailsOf(nameless.userId)).toHaveLength(1);
  });

  it('sends nothing again when the whole stream is replayed from the first event', async () => {
    const last = await users.register();
    await reached(reactor, last.position);
    const sent = mailer.sent.length;
    const recorded = await allEmails();
    expect(recorded).toBeGreaterThan(0);

    await replayFromStart(reactor, db);
    expect(reactor.status().position).toBe(-1n);
    const next = await users.register();
    await reached(reactor, next.position);

    expect(mailer.sent.length).toBe(sent + 1);
    expect(mailer.sentTo(next.userId)).toHaveLength(1);
    expect(await allEmails()).toBe(recorded + 1);
  });

  it('sends nothing for a registration whose address is gone', async () => {
    const gone = await users.register({ email: null, displayName: null });
    await reached(reactor, gone.position);
    expect(mailer.sentTo(gone.userId)).toEqual([]);
    expect(await emailsOf(gone.userId)).toEqual([]);
  });

  it('retries a failing mail server with backoff, sends each e-mail once, and holds back no other subscription', async () => {
    const others: string[] = [];
    const other = new SubscriptionRunner(
      users.client,
      new EventSerializer(new EventSchemaRegistry()),
      new CheckpointStore(db),
      {
        name: `test:other-${randomUUID()}`,
        handle: async (events) => void others.push(...events.map((e) => e.eventId)),
      },
    );
    await other.start();
    const refused = `${randomUUID()}@example.org`;
    mailer.refuse = (message) => message.to === refused;
    const first = await users.register();
    const second = await users.register({ email: refused });
    try {
      await waitFor(() => mailer.attempts.filter((a) => a.message.userId === second.userId).length >= 5);
      const third = await users.register();
      await reached(other, third.position);
      expect(others).toEqual(expect.arrayContaining([first.eventId, second.eventId, third.eventId]));
      expect(reactor.status()).toMatchObject({ state: 'retrying', lastError: '451 try again later' });
      expect(reactor.status().position).toBeLessThan(second.position);

      mailer.refuse = () => false;
      await reached(reactor, third.position);
      for (const { userId } of [first, second, third]) {
        expect(mailer.sentTo(userId)).toHaveLength(1);
        expect(await emailsOf(userId)).toHaveLength(1);
      }
      expect(mailer.attempts.filter((a) => a.message.userId === first.userId)).toHaveLength(1);
      const times = mailer.attempts.filter((a) => a.message.userId === second.userId).map((a) => a.at);
      const gaps = times.slice(1).map((at, i) => at - times[i]);
      expect(gaps[3]).toBeGreaterThan(gaps[0] * 2);
    } finally {
      await other.stop();
    }
  });

  it('skips, when a batch is retried after a failed send, the e-mails it sent before the failure', async () => {
    await reactor.stop();
    const first = await users.register();
    const second = await users.register();
    try {
      const batch = [...(await users.eventsOf(first.userId)), ...(await users.eventsOf(second.userId))];
      const flaky = new RecordingMailer();
      flaky.refuse = (message) => message.userId === second.userId;
      const handler = new NotificationsHandler(new SentEmails(db), new Recipients(db), flaky, users.journal);

      await expect(handler.handle(batch)).rejects.toThrow('451 try again later');
      await expect(handler.handle(batch)).rejects.toThrow('451 try again later');
      flaky.refuse = () => false;
      await handler.handle(batch);

      expect(flaky.attempts.map((a) => a.message.userId)).toEqual([
        first.userId,
        second.userId,
        second.userId,
        second.userId,
      ]);
      expect(flaky.sent.map((m) => m.userId)).toEqual([first.userId, second.userId]);
    } finally {
      await reactor.start();
    }
    await reached(reactor, second.position);
    expect(mailer.sentTo(first.userId)).toEqual([]);
    expect(mailer.sentTo(second.userId)).toEqual([]);
    expect(await emailsOf(first.userId)).toHaveLength(1);
  });

  it('deletes every e-mail of a forgotten person, and only theirs', async () => {
    const forgotten = await users.register();
    const kept = await users.register();
    await reached(reactor, kept.position);
    expect(await emailsOf(forgotten.userId)).toHaveLength(1);

    await reached(reactor, await users.forget(forgotten.userId));
    expect(await emailsOf(forgotten.userId)).toEqual([]);
    expect(await db.collection(SENT_EMAILS).countDocuments({ to: `${forgotten.userId}@example.org` })).toBe(
      0,
    );
    expect(await emailsOf(kept.userId)).toHaveLength(1);
  });
});

describe('notifications reactor with personal data sealed per person', () => {
  let users: UserStores;
  let keys: PersonalDataKeys;
  const mailer = new RecordingMailer();

  beforeAll(async () => {
    const registry = new EventSchemaRegistry().register(...userEventSchemas);
    users = await openUserStores((db) => {
      keys = new PersonalDataKeys(db);
      return new EventSerializer(registry, new PersonalDataVault(registry, keys));
    });
  });
  afterAll(() => users.close());

  it('sends nothing to a forgotten person on a replay, and keeps nothing of them', async () => {
    const reactor = users.reactor(mailer);
    await reactor.start();
    try {
      const ada = await users.register({ email: 'ada@example.org' });
      await reached(reactor, ada.position);
      expect(mailer.sentTo(ada.userId)).toMatchObject([{ to: 'ada@example.org' }]);

      await keys.forget(ada.userId);
      await reached(reactor, await users.forget(ada.userId));
      expect(await users.db.collection(SENT_EMAILS).countDocuments()).toBe(0);

      await replayFromStart(reactor, users.db);
      const grace = await users.register({ email: 'grace@example.org' });
      await reached(reactor, grace.position);

      expect(mailer.sentTo(ada.userId)).toHaveLength(1);
      expect(mailer.sentTo(grace.userId)).toHaveLength(1);
      expect(await users.db.collection(SENT_EMAILS).countDocuments({ userId: ada.userId })).toBe(0);
    } finally {
      await reactor.stop();
    }
  });
});
