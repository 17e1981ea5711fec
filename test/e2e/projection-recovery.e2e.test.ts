import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Db, MongoClient } from 'mongodb';
import { meetupCatalogProjection } from '../../projections/meetup-catalog.projection';
import { EventSourcedRepository } from '../../src/eventsourcing/deciders/event-sourced-repository';
import { COMMAND_ACCEPTED } from '../../src/eventsourcing/deciders/idempotency-keys';
import { EventSchemaRegistry } from '../../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../../src/eventsourcing/event-store/event-serializer';
import { ProjectionEngine } from '../../src/eventsourcing/projections/projection-engine';
import { AllPosition, CheckpointStore } from '../../src/eventsourcing/subscriptions/checkpoint-store';
import { SubscriptionRunner } from '../../src/eventsourcing/subscriptions/subscription-runner';
import { Actor } from '../../src/identity/domain/role';
import { meetupDecider } from '../../src/meetups/domain/meetup.decider';
import { meetupEventSchemas } from '../../src/meetups/domain/meetup.events';
import { openStores, startTestApp, TestStores } from '../support/app';
import { signUp } from '../support/identity';
import { waitFor } from '../support/read';

/** A checkpoint store that dies once, after the batch's writes and before the checkpoint is stored. */
class CrashingCheckpointStore extends CheckpointStore {
  crashes = 0;
  constructor(
    db: Db,
    private readonly crashOnSave: number,
  ) {
    super(db);
  }
  private saves = 0;
  override async save(name: string, position: AllPosition): Promise<void> {
    if (++this.saves === this.crashOnSave) {
      this.crashes++;
      throw new Error('killed between the writes and the checkpoint');
    }
    return super.save(name, position);
  }
}

describe('projections under failure', () => {
  let stores: TestStores;
  let client: EventStoreDBClient;
  let mongo: MongoClient;
  let db: Db;
  const serializer = new EventSerializer(new EventSchemaRegistry().register(...meetupEventSchemas));

  beforeAll(async () => {
    stores = await openStores();
    client = EventStoreDBClient.connectionString(stores.eventStoreUrl);
    mongo = await MongoClient.connect(stores.mongoUrl);
    db = mongo.db(stores.mongoDatabase);
  });
  afterAll(async () => {
    await client.dispose();
    await mongo.close();
    await stores.close();
  });

  async function writeMeetups(count: number): Promise<bigint> {
    const repository = new EventSourcedRepository(client, serializer, {
      fingerprintKey: 'test fingerprint key',
    });
    const actor: Actor = { userId: randomUUID(), role: 'ORGANIZER' };
    let position = 0n;
    for (let i = 0; i < count; i++) {
      const meetupId = `meetup-${randomUUID()}`;
      const context = { commandId: randomUUID(), correlationId: randomUUID(), causationId: '' };
      context.causationId = context.commandId;
      const startsAt = new Date(Date.now() + (i + 1) * 86_400_000);
      const now = new Date();
      await repository.handle(
        meetupId,
        meetupDecider,
        {
          type: 'ScheduleMeetup',
          meetupId,
          title: `M${i}`,
          description: '',
          city: 'Faro',
          startsAt,
          capacity: 10,
          ticketPriceCents: 0,
          actor,
          now,
        },
        context,
      );
      if (i % 2 === 0) {
        const publish = { ...context, commandId: randomUUID() };
        position = (
          await repository.handle(
            meetupId,
            meetupDecider,
            { type: 'PublishMeetup', meetupId, actor },
            publish,
          )
        ).position;
      }
      if (i % 3 === 0) {
        const move = { ...context, commandId: randomUUID() };
        const later = new Date(startsAt.getTime() + 3_600_000);
        position = (
          await repository.handle(
            meetupId,
            meetupDecider,
            { type: 'RescheduleMeetup', meetupId, startsAt: later, actor, now },
            move,
          )
        ).position;
      }
    }
    return position;
  }

  async function project(collection: string, checkpoints: CheckpointStore, until: bigint, name = collection) {
    const engine = new ProjectionEngine(db, { ...meetupCatalogProjection, collection });
    await engine.prepare();
    const runner = new SubscriptionRunner(client, serializer, checkpoints, {
      name,
      batchSize: 7,
      minBackoffMs: 5,
      handle: (events) => engine.applyBatch(events),
    });
    await runner.start();
    const reached = await runner.waitFor(until, 10_000);
    await runner.stop();
    expect(reached).toBe(true);
  }

  const documents = (collection: string) =>
    db
      .collection(collection)
      .find({}, { projection: { _position: 0 } })
      .sort({ _id: 1 })
      .toArray();

  it('converges to the same documents as a clean run when killed between writes and checkpoint', async () => {
    const last = await writeMeetups(30);
    await project('catalog_clean', new CheckpointStore(db), last);

    const crashing = new CrashingCheckpointStore(db, 3);
    await project('catalog_crash', crashing, last);
    expect(crashing.crashes).toBe(1);

    // Replaying everything from the first event changes nothing either.
    await new CheckpointStore(db).delete('catalog_crash');
    await project('catalog_crash', new CheckpointStore(db), last);

    const clean = await documents('catalog_clean');
    expect(clean.length).toBe(30);
    expect(await documents('catalog_crash')).toEqual(clean);
  });

  it('retries a failing handler with backoff, without losing, repeating or reordering events', async () => {
    const last = await writeMeetups(5);
    const seen: string[] = [];
    let failures = 0;
    const runner = new SubscriptionRunner(client, serializer, new CheckpointStore(db), {
      name: 'flaky',
      batchSize: 3,
      minBackoffMs: 5,
      async handle(events) {
        if (failures < 3) {
          failures++;
          throw new Error(`handler failure ${failures}`);
        }
        seen.push(...events.map((e) => e.eventId));
      },
    });
    await runner.start();
    expect(await runner.waitFor(last, 10_000)).toBe(true);
    await runner.stop();
    expect(failures).toBe(3);
    const all: string[] = [];
    for await (const resolved of client.readAll()) {
      const event = resolved.event;
      // Consumers see domain events only: no system events, no command records.
      const domain = event && !event.type.startsWith('$') && event.type !== COMMAND_ACCEPTED;
      if (domain && event.position!.commit <= last) {
        all.push(event.id);
      }
    }
    expect(seen).toEqual(all);
  });

  it('stops promptly while waiting to retry, without storing a checkpoint past the failing batch', async () => {
    await writeMeetups(1);
    const checkpoints = new CheckpointStore(db);
    let attempts = 0;
    const runner = new SubscriptionRunner(client, serializer, checkpoints, {
      name: 'always-failing',
      minBackoffMs: 60_000,
      maxBackoffMs: 60_000,
      async handle() {
        attempts++;
        throw new Error('poison');
      },
    });
    await runner.start();
    await waitFor(() => runner.status().state === 'retrying');
    expect(runner.status().lastError).toBe('poison');
    await runner.stop(); // would wait out the 60 s backoff if it could not be cut short
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(await checkpoints.load('always-failing')).toBeUndefined();
  });

  it('resumes from its checkpoint when the app restarts', async () => {
    const schedule = `mutation($input: ScheduleMeetupInput!) { scheduleMeetup(input: $input) { id position } }`;
    const read = `query($id: ID!, $at: String) { meetup(id: $id, consistentWith: $at) { id } }`;
    const input = () => ({
      title: 'Restart',
      city: 'Faro',
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      capacity: 5,
    });

    const first = await startTestApp(stores);
    // The session outlives the restart: the app keeps its secrets, as a deployment does.
    const organiser = await signUp(first);
    const before = (await first.gql(schedule, { input: input() }, organiser.headers)).data!.scheduleMeetup;
    expect((await first.gql(read, { id: before.id, at: before.position })).data!.meetup).toEqual({
      id: before.id,
    });
    await first.close();

    // Were the projection to start over, this document would come back.
    await db.collection(meetupCatalogProjection.collection).deleteOne({ _id: before.id });

    const second = await startTestApp(stores);
    try {
      const after = (await second.gql(schedule, { input: input() }, organiser.headers)).data!.scheduleMeetup;
      expect((await second.gql(read, { id: after.id, at: after.position })).data!.meetup).toEqual({
        id: after.id,
      });
      expect((await second.gql(read, { id: before.id })).data!.meetup).toBeNull();
    } finally {
      await second.close();
    }
  });
});
