import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { EventSourcedRepository } from '../../src/eventsourcing/deciders/event-sourced-repository';
import { snapshotStreamId } from '../../src/eventsourcing/deciders/snapshots';
import { EventSchemaRegistry } from '../../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../../src/eventsourcing/event-store/event-serializer';
import { Actor } from '../../src/identity/domain/role';
import { meetupDecider, ScheduledMeetup } from '../../src/meetups/domain/meetup.decider';
import { meetupEventSchemas } from '../../src/meetups/domain/meetup.events';
import { openStores, TestStores } from '../support/app';
import { readAllOf } from '../support/read';

describe('snapshots of long streams', () => {
  let stores: TestStores;
  let client: EventStoreDBClient;
  const serializer = new EventSerializer(new EventSchemaRegistry().register(...meetupEventSchemas));
  const repository = () =>
    new EventSourcedRepository(client, serializer, { fingerprintKey: 'snapshot tests' });
  const organiser: Actor = { userId: randomUUID(), role: 'ORGANIZER' };
  const context = (commandId = randomUUID()) => ({
    commandId,
    correlationId: commandId,
    causationId: commandId,
  });

  beforeAll(async () => {
    stores = await openStores();
    client = EventStoreDBClient.connectionString(stores.eventStoreUrl);
  });
  afterAll(async () => {
    await client.dispose();
    await stores.close();
  });

  it('decides a long stream from its snapshot, the same as from every event, and repeats still answer the first', async () => {
    const meetupId = randomUUID();
    const streamId = `meetup-${meetupId}`;
    const writer = repository();
    const schedule = {
      type: 'ScheduleMeetup' as const,
      meetupId,
      title: 'Long stream',
      description: '',
      city: 'Lisbon',
      startsAt: new Date(Date.now() + 86_400_000),
      capacity: 10_000,
      ticketPriceCents: 0,
      actor: organiser,
      now: new Date(),
    };
    await writer.handle(streamId, meetupDecider, schedule, context());
    await writer.handle(
      streamId,
      meetupDecider,
      { type: 'PublishMeetup', meetupId, actor: organiser },
      context(),
    );
    const firstReservation = randomUUID();
    const reserve = (orderId: string) => ({
      type: 'ReserveSeats' as const,
      meetupId,
      orderId,
      quantity: 1,
      now: new Date(),
    });
    const first = await writer.handle(
      streamId,
      meetupDecider,
      reserve(firstReservation),
      context(firstReservation),
    );
    for (let i = 0; i < 600; i++) {
      const orderId = randomUUID();
      await writer.handle(streamId, meetupDecider, reserve(orderId), context());
      if (i % 2 === 0)
        await writer.handle(streamId, meetupDecider, { type: 'ReleaseSeats', meetupId, orderId }, context());
    }
    const [snapshot] = await readAllOf(client, snapshotStreamId(streamId));
    expect(snapshot.type).toBe('Snapshot');
    const snapshotAt = BigInt((snapshot.data as { revision: string }).revision);
    expect(snapshotAt).toBeGreaterThan(400n);

    // A process that starts afresh decides from the snapshot and the events after it.
    const { state, revision } = await repository().read(streamId, meetupDecider);
    const events = await readAllOf(client, streamId);
    expect(revision).toBe(BigInt(events.length - 1));
    const seats = state as ScheduledMeetup;
    expect(seats.seatsHeld).toBe(1 + 300);
    expect(Object.keys(seats.held)).toHaveLength(301);

    // A repeat of a command from before the snapshot is still recognised, and answered as the first time.
    expect(
      await repository().handle(
        streamId,
        meetupDecider,
        reserve(firstReservation),
        context(firstReservation),
      ),
    ).toEqual(first);
  }, 60_000);

  it('decides a repeat once, when the first attempt completes and snapshots between its check and its read', async () => {
    const meetupId = randomUUID();
    const streamId = `meetup-${meetupId}`;
    // A snapshot after every command: the first attempt's events are always in one.
    const snapshotted = { ...meetupDecider, snapshot: { version: 1_000, every: 1 } };
    const setup = repository();
    const schedule = {
      type: 'ScheduleMeetup' as const,
      meetupId,
      title: 'Racing repeat',
      description: '',
      city: 'Lisbon',
      startsAt: new Date(Date.now() + 86_400_000),
      capacity: 10,
      ticketPriceCents: 0,
      actor: organiser,
      now: new Date(),
    };
    await setup.handle(streamId, snapshotted, schedule, context());
    await setup.handle(
      streamId,
      snapshotted,
      { type: 'PublishMeetup', meetupId, actor: organiser },
      context(),
    );
    // Two orders sold: the meetup's count alone would allow giving one order's seat back twice.
    const [orderId, other] = [randomUUID(), randomUUID()];
    for (const sold of [orderId, other]) {
      const reserve = {
        type: 'ReserveSeats' as const,
        meetupId,
        orderId: sold,
        quantity: 1,
        now: new Date(),
      };
      await setup.handle(streamId, snapshotted, reserve, context());
      await setup.handle(streamId, snapshotted, { type: 'SellSeats', meetupId, orderId: sold }, context());
    }
    // Giving sold seats back is once per order only by its command id: the meetup keeps no list.
    const commandId = randomUUID();
    const release = { type: 'ReleaseSeats' as const, meetupId, orderId, soldQuantity: 1 };

    // The repeat's client lets the first attempt run to its end right after the repeat has read
    // the command id's record (and found none).
    const racing = EventStoreDBClient.connectionString(stores.eventStoreUrl);
    const readStream = racing.readStream.bind(racing);
    let firstAttempt: Promise<unknown> | undefined;
    racing.readStream = ((stream: string, options?: object) => {
      const read = readStream(stream, options);
      if (firstAttempt || !stream.startsWith('command-')) return read;
      firstAttempt = Promise.resolve();
      return (async function* () {
        const resolved = [];
        try {
          for await (const event of read) resolved.push(event);
        } finally {
          firstAttempt = repository().handle(streamId, snapshotted, release, context(commandId));
          await firstAttempt;
        }
        yield* resolved;
      })();
    }) as typeof racing.readStream;
    try {
      const repeat = await new EventSourcedRepository(racing, serializer, {
        fingerprintKey: 'snapshot tests',
      }).handle(streamId, snapshotted, release, context(commandId));
      expect(repeat).toEqual(await firstAttempt);
    } finally {
      await racing.dispose();
    }
    const released = (await readAllOf(client, streamId)).filter((event) => event.type === 'SeatsReleased');
    expect(released).toHaveLength(1);
  });
});
