import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startEventStoreServer } from '../../src/embedded/eventstore/eventstore-server';
import { startMongoServer } from '../../src/embedded/mongodb/mongo-server';
import { projections } from '../../projections';
import { eventStoreClient, openStores, startTestApp, TestApp, TestStores } from '../support/app';
import { ADMIN_ENV, logIn, logInAsAdmin, PASSWORD, signUp, TestUser } from '../support/identity';
import { inDays, SCHEDULE } from '../support/meetup-operations';
import { waitFor } from '../support/read';
import { COMMAND_ACCEPTED } from '../../src/eventsourcing/deciders/idempotency-keys';
import { storedPosition } from '../../src/eventsourcing/event-store/stored-position';
import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';

async function readAllBackwards(client: EventStoreDBClient, maxCount: number) {
  const events = [];
  for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount })) {
    events.push(resolved.event!);
  }
  return events;
}

const FORGET = `mutation ($input: ForgetUserInput!) { forgetUser(input: $input) { id revision position } }`;
const SENT = `query ($to: String) { sentEmails(to: $to) { edges { node { to subject text } } } }`;
const HISTORY = `query ($s: String!) { streamHistory(streamId: $s) { type data position metadata } }`;
const AUDIT = `query ($at: String) {
  auditEvents(types: ["UserRegistered", "UserProfileChanged"], limit: 100, consistentWith: $at) { data }
}`;
const TRAIL = `query ($c: String!, $at: String) {
  correlationTrail(correlationId: $c, consistentWith: $at) { tree events { type data } }
}`;
const ACTIVITY = `query ($u: String!, $at: String) {
  userActivity(userId: $u, first: 100, consistentWith: $at) { edges { node { type data } } }
}`;
const STATE_AT = `query ($s: String!, $r: Int, $at: DateTime) {
  streamStateAt(streamId: $s, revision: $r, at: $at) { state events { type data } }
}`;

const codeOf = (response: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  response.errors?.[0]?.extensions?.code;

/** Stores on disk, so a byte scan can look for what must be gone; or the real servers when set. */
async function openDiskStores(dataDir: string): Promise<TestStores> {
  if (process.env.EVENTSTORE_URL || process.env.MONGODB_URL) return openStores();
  const eventStore = await startEventStoreServer({ port: 0, dataDir: join(dataDir, 'eventstore') });
  const mongo = await startMongoServer({ port: 0, dataDir: join(dataDir, 'mongodb') });
  return {
    eventStoreUrl: eventStore.url,
    mongoUrl: mongo.url,
    mongoDatabase: 'forgetting',
    async close() {
      await eventStore.close();
      await mongo.close();
    },
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('forgetting a person', () => {
  const onDisk = !process.env.EVENTSTORE_URL && !process.env.MONGODB_URL;
  const email = `forget-me-${randomUUID()}@example.test`;
  const displayName = `Particular Person ${randomUUID().slice(0, 8)}`;
  let dataDir: string;
  let stores: TestStores;
  let app: TestApp;
  let person: TestUser;
  let admin: TestUser;
  let meetupId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'forgetting-'));
    stores = await openDiskStores(dataDir);
    app = await startTestApp(stores, ADMIN_ENV);
    admin = await logInAsAdmin(app);
    person = await signUp(app, 'ORGANIZER', { email, displayName });
    const scheduled = await app.gql(
      SCHEDULE,
      { input: { title: 'A meetup that stays', city: 'Porto', startsAt: inDays(5), capacity: 10 } },
      person.headers,
    );
    meetupId = scheduled.data!.scheduleMeetup.id;
  });

  afterAll(async () => {
    await app?.close();
    await stores?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const sentTo = async (to: string) =>
    (await app.gql(SENT, { to }, admin.headers)).data!.sentEmails.edges.map(
      (e: { node: unknown }) => e.node,
    ) as { to: string; subject: string; text: string }[];

  it('sends the welcome e-mail first', async () => {
    await waitFor(async () => (await sentTo(email)).length === 1);
    const [welcome] = await sentTo(email);
    expect(welcome.to).toBe(email);
  });

  it('lets only the person or an admin forget them, and refuses them afterwards', async () => {
    const stranger = await signUp(app, 'ATTENDEE');
    const refused = await app.gql(FORGET, { input: { userId: person.userId } }, stranger.headers);
    expect(codeOf(refused)).toBe('FORBIDDEN');

    const forgotten = await app.gql(FORGET, { input: {} }, person.headers);
    expect(forgotten.errors).toBeUndefined();
    expect(forgotten.data!.forgetUser.id).toBe(person.userId);

    expect(codeOf(await app.gql('{ me { id } }', {}, person.headers))).toBe('UNAUTHENTICATED');
    const again = await app.gql(`mutation ($input: LogInInput!) { logIn(input: $input) { token } }`, {
      input: { email, password: PASSWORD, consistentWith: forgotten.data!.forgetUser.position },
    });
    expect(codeOf(again)).toBe('INVALID_CREDENTIALS');
  });

  it('shows the personal fields as erased in every audit read, the rest as it was', async () => {
    const history = await app.gql(HISTORY, { s: `user-${person.userId}` }, admin.headers);
    const [registered, forgotten] = history.data!.streamHistory;
    expect(registered.type).toBe('UserRegistered');
    expect(registered.data).toMatchObject({
      userId: person.userId,
      email: null,
      displayName: null,
      passwordHash: null,
      role: 'ORGANIZER',
    });
    expect(forgotten.type).toBe('UserForgotten');
    const at = forgotten.position;
    const reads = [
      await app.gql(AUDIT, { at }, admin.headers),
      await app.gql(TRAIL, { c: registered.metadata.correlationId, at }, admin.headers),
      await app.gql(ACTIVITY, { u: person.userId, at }, admin.headers),
      await app.gql(STATE_AT, { s: `user-${person.userId}`, r: 0 }, admin.headers),
      await app.gql(STATE_AT, { s: `user-${person.userId}`, at: new Date().toISOString() }, admin.headers),
    ];
    for (const read of reads) expect(read.errors).toBeUndefined();
    const audit = JSON.stringify(reads);
    expect(audit).toContain(person.userId);
    expect(audit).toContain('EmailSent');
    expect(audit).not.toContain(email);
    expect(audit).not.toContain(displayName);
  });

  it('drops the person from the read models and the sent e-mails; their meetup stays', async () => {
    await waitFor(async () => (await sentTo(email)).length === 0);
    const meetup = await app.gql(`query ($id: ID!) { meetup(id: $id) { title } }`, { id: meetupId });
    expect(meetup.data!.meetup.title).toBe('A meetup that stays');
  });

  it('brings nothing back when every projection and the reactor are replayed from the start', async () => {
    const mongo = await MongoClient.connect(stores.mongoUrl);
    const db = mongo.db(stores.mongoDatabase);
    await app.close();
    for (const projection of projections)
      await db
        .collection(projection.collection)
        .drop()
        .catch(() => undefined);
    const consumers = await db.collection('checkpoints').countDocuments();
    await db.collection('checkpoints').deleteMany({});
    app = await startTestApp(stores, ADMIN_ENV);
    // Every consumer has replayed up to the last event of the store.
    const client = eventStoreClient(stores);
    // Consumers see domain events only: not the server's own, nor the records of command ids.
    const last = (await readAllBackwards(client, 100)).find(
      (event) => !event.type.startsWith('$') && event.type !== COMMAND_ACCEPTED,
    )!;
    await client.dispose();
    const head = storedPosition(last.position!.commit);
    await waitFor(async () => {
      const checkpoints = await db
        .collection<{ _id: string; commit: string }>('checkpoints')
        .find()
        .toArray();
      return checkpoints.length === consumers && checkpoints.every((c) => c.commit >= head);
    }, 10_000);
    const everything = JSON.stringify(
      await Promise.all(
        (await db.listCollections().toArray()).map((c) => db.collection(c.name).find().toArray()),
      ),
    );
    await mongo.close();
    expect(everything).toContain(meetupId);
    expect(everything).not.toContain(email);
    expect(everything).not.toContain(displayName);
    admin = await logInAsAdmin(app);
    expect(await sentTo(email)).toEqual([]);
  });

  (onDisk ? it : it.skip)('leaves no byte of the address or the name on disk after a restart', async () => {
    await app.close();
    await stores.close();
    stores = await openDiskStores(dataDir);
    app = await startTestApp(stores, ADMIN_ENV);
    const files = await filesUnder(dataDir);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      const bytes = await readFile(file);
      expect({ file, address: bytes.includes(email) }).toEqual({ file, address: false });
      expect({ file, name: bytes.includes(displayName) }).toEqual({ file, name: false });
    }
  });

  it('lets the address be registered again, by a new user', async () => {
    const again = await signUp(app, 'ATTENDEE', { email, displayName: 'Someone New' });
    expect(again.userId).not.toBe(person.userId);
    await expect(logIn(app, email, PASSWORD)).resolves.toMatchObject({ userId: again.userId });
  });
});
