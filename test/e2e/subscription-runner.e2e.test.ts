import { randomUUID } from 'node:crypto';
import { jsonEvent } from '@eventstore/db-client';
import { RecordedDomainEvent } from '../../src/eventsourcing/event-store/event-metadata';
import { EventSchemaRegistry } from '../../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../../src/eventsourcing/event-store/event-serializer';
import { CheckpointStore } from '../../src/eventsourcing/subscriptions/checkpoint-store';
import { SubscriptionRunner } from '../../src/eventsourcing/subscriptions/subscription-runner';
import { EventStoreFixture, openEventStore } from '../support/eventstore';
import { MongoFixture, openMongo } from '../support/mongo';
import { waitFor } from '../support/read';

describe('a subscription that handles some event types', () => {
  let eventStore: EventStoreFixture;
  let mongo: MongoFixture;
  let checkpoints: CheckpointStore;
  const serializer = new EventSerializer(new EventSchemaRegistry());

  beforeAll(async () => {
    [eventStore, mongo] = await Promise.all([openEventStore(), openMongo()]);
    checkpoints = new CheckpointStore(mongo.db);
  });
  afterAll(async () => {
    await eventStore.close();
    await mongo.close();
  });

  const append = async (type: string) => {
    const result = await eventStore.client.appendToStream(
      `test-${randomUUID()}`,
      jsonEvent({ type, data: {} }),
    );
    return result.position!.commit;
  };

  it('is given only those types, passes the others by, and stores their position lazily but surely', async () => {
    const name = `runner-${randomUUID()}`;
    const handled: RecordedDomainEvent[] = [];
    const runner = new SubscriptionRunner(eventStore.client, serializer, checkpoints, {
      name,
      handles: ['Wanted'],
      handle: async (events) => void handled.push(...events),
      idleCheckpointMs: 300,
    });
    await runner.start();
    let last = -1n;
    try {
      const wanted = await append('Wanted');
      await waitFor(async () => (await checkpoints.load(name))?.commit === wanted);

      const other = await append('Other');
      await expect(runner.waitFor(other, 5000)).resolves.toBe(true);
      expect(handled.map((e) => e.type)).toEqual(['Wanted']);
      // Passed by: not stored at once, but within the idle interval.
      expect((await checkpoints.load(name))?.commit).toBe(wanted);
      await waitFor(async () => (await checkpoints.load(name))?.commit === other);

      last = await append('Other');
      await expect(runner.waitFor(last, 5000)).resolves.toBe(true);
    } finally {
      await runner.stop();
    }
    // Stopping stores what was passed by since.
    expect((await checkpoints.load(name))?.commit).toBe(last);
    expect(handled).toHaveLength(1);
  });
});
