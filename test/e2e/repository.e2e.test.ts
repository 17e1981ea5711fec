import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { EventSourcedRepository } from '../../src/eventsourcing/deciders/event-sourced-repository';
import { DomainError } from '../../src/eventsourcing/deciders/domain-error';
import { EventSchemaRegistry } from '../../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../../src/eventsourcing/event-store/event-serializer';
import { Actor } from '../../src/identity/domain/role';
import { meetupDecider } from '../../src/meetups/domain/meetup.decider';
import { meetupEventSchemas } from '../../src/meetups/domain/meetup.events';
import { openStores, TestStores } from '../support/app';
import { readAllOf } from '../support/read';

describe('the event-sourced repository across processes', () => {
  let stores: TestStores;
  let client: EventStoreDBClient;
  const serializer = new EventSerializer(new EventSchemaRegistry().register(...meetupEventSchemas));
  /** The organiser every command here is sent as. */
  const actor: Actor = { userId: randomUUID(), role: 'ORGANIZER' };
  const context = () => {
    const commandId = randomUUID();
    return { commandId, correlationId: randomUUID(), causationId: commandId };
  };

  beforeAll(async () => {
    stores = await openStores();
    client = EventStoreDBClient.connectionString(stores.eventStoreUrl);
  });
  afterAll(async () => {
    await client.dispose();
    await stores.close();
  });

  it('never lets a state kept from an earlier command decide after another process changed the stream', async () => {
    const here = new EventSourcedRepository(client, serializer, { fingerprintKey: 'test fingerprint key' });
    const elsewhere = new EventSourcedRepository(client, serializer, {
      fingerprintKey: 'test fingerprint key',
    });
    const meetupId = `meetup-${randomUUID()}`;
    const now = new Date();
    const startsAt = new Date(Date.now() + 86_400_000);
    await here.handle(
      meetupId,
      meetupDecider,
      {
        type: 'ScheduleMeetup',
        meetupId,
        title: 'Kept',
        description: '',
        city: 'Faro',
        startsAt,
        capacity: 3,
        ticketPriceCents: 0,
        actor,
        now,
      },
      context(),
    );
    await here.handle(meetupId, meetupDecider, { type: 'PublishMeetup', meetupId, actor }, context());
    await elsewhere.handle(
      meetupId,
      meetupDecider,
      { type: 'CancelMeetup', meetupId, reason: 'Rain', actor },
      context(),
    );

    const later = new Date(startsAt.getTime() + 3_600_000);
    const reschedule = here.handle(
      meetupId,
      meetupDecider,
      { type: 'RescheduleMeetup', meetupId, startsAt: later, actor, now },
      context(),
    );
    await expect(reschedule).rejects.toBeInstanceOf(DomainError);
    await expect(reschedule).rejects.toMatchObject({ code: 'MEETUP_CANCELLED' });
    const types = (await readAllOf(client, meetupId)).map((e) => e.type);
    expect(types).toEqual(['MeetupScheduled', 'MeetupPublished', 'MeetupCancelled']);
  });

  it('returns the first result when a command is repeated, in the same process or another', async () => {
    const here = new EventSourcedRepository(client, serializer, { fingerprintKey: 'test fingerprint key' });
    const elsewhere = new EventSourcedRepository(client, serializer, {
      fingerprintKey: 'test fingerprint key',
    });
    const meetupId = `meetup-${randomUUID()}`;
    const startsAt = new Date(Date.now() + 86_400_000);
    const schedule = {
      type: 'ScheduleMeetup' as const,
      meetupId,
      title: 'Once',
      description: '',
      city: 'Faro',
      startsAt,
      capacity: 3,
      ticketPriceCents: 0,
      actor,
      now: new Date(),
    };
    await here.handle(meetupId, meetupDecider, schedule, context());
    const publish = context();
    const first = await here.handle(
      meetupId,
      meetupDecider,
      { type: 'PublishMeetup', meetupId, actor },
      publish,
    );
    expect(
      await here.handle(meetupId, meetupDecider, { type: 'PublishMeetup', meetupId, actor }, publish),
    ).toEqual(first);
    expect(
      await elsewhere.handle(meetupId, meetupDecider, { type: 'PublishMeetup', meetupId, actor }, publish),
    ).toEqual(first);
    expect(await readAllOf(client, meetupId)).toHaveLength(2);
  });

  /** A meetup scheduled a day from now through `here`, moved to day 2 through `elsewhere`. */
  async function movedElsewhere() {
    const here = new EventSourcedRepository(client, serializer, { fingerprintKey: 'test fingerprint key' });
    const elsewhere = new EventSourcedRepository(client, serializer, {
      fingerprintKey: 'test fingerprint key',
    });
    const meetupId = `meetup-${randomUUID()}`;
    const today = Date.now();
    const at = (days: number) => new Date(today + days * 86_400_000);
    const reschedule = (days: number) => ({
      type: 'RescheduleMeetup' as const,
      meetupId,
      startsAt: at(days),
      actor,
      now: new Date(),
    });
    const schedule = {
      type: 'ScheduleMeetup' as const,
      meetupId,
      title: 'Race',
      description: '',
      city: 'Faro',
      startsAt: at(1),
      capacity: 3,
      ticketPriceCents: 0,
      actor,
      now: new Date(),
    };
    await here.handle(meetupId, meetupDecider, schedule, context());
    await elsewhere.handle(meetupId, meetupDecider, reschedule(2), context());
    return { here, elsewhere, meetupId, reschedule };
  }

  it('answers a repeat the same when the first time lost a race and then changed nothing', async () => {
    const { here, elsewhere, meetupId, reschedule } = await movedElsewhere();
    // Decided on the state kept here (day 1), recorded, lost the race, and on the fresh state
    // (day 2 already) changed nothing.
    const raced = context();
    const first = await here.handle(meetupId, meetupDecider, reschedule(2), raced);
    expect(first.revision).toBe(1n);

    await elsewhere.handle(meetupId, meetupDecider, reschedule(3), context());
    const again = await elsewhere.handle(meetupId, meetupDecider, reschedule(2), raced);
    expect(again).toEqual(first);
    expect(await readAllOf(client, meetupId)).toHaveLength(3);
  });

  it('records the first answer of a command whose id a lost race left without one', async () => {
    const { here, elsewhere, meetupId, reschedule } = await movedElsewhere();
    // Recorded on the state kept here, then refused: the record is left without an answer.
    const left = context();
    await expect(
      here.handle(meetupId, meetupDecider, reschedule(2), { ...left, expectedRevision: 0n }),
    ).rejects.toMatchObject({ code: 'WRONG_EXPECTED_REVISION' });

    const first = await elsewhere.handle(meetupId, meetupDecider, reschedule(2), left);
    expect(first.revision).toBe(1n);
    await elsewhere.handle(meetupId, meetupDecider, reschedule(3), context());
    expect(await here.handle(meetupId, meetupDecider, reschedule(2), left)).toEqual(first);
    expect(await readAllOf(client, meetupId)).toHaveLength(3);
  });
});
