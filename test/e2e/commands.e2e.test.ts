import { randomUUID } from 'node:crypto';
import { FORWARDS, START } from '@eventstore/db-client';
import { EventSchemaRegistry } from '../../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../../src/eventsourcing/event-store/event-serializer';
import { apiSpecification } from '../../src/eventsourcing/testing/api-specification';
import { meetupEventSchemas, MeetupEvent } from '../../src/meetups/domain/meetup.events';
import { toStreamId } from '../../src/meetups/domain/meetup.stream';
import { useTestApp } from '../support/app';
import { signUp, TestUser } from '../support/identity';
import { CANCEL, inDays, PUBLISH, RESCHEDULE, SCHEDULE } from '../support/meetup-operations';

const MEETUP = `query Meetup($id: ID!, $consistentWith: String) {
  meetup(id: $id, consistentWith: $consistentWith) { id startsAt revision status }
}`;

const scheduleInput = (overrides: Record<string, unknown> = {}) => ({
  title: 'Idempotency night',
  city: 'Lisbon',
  startsAt: inDays(7),
  capacity: 20,
  ...overrides,
});

describe('commands: idempotency keys and client-side concurrency', () => {
  const app = useTestApp();
  const serializer = new EventSerializer(new EventSchemaRegistry().register(...meetupEventSchemas));
  // Every command is sent as one organiser, who also organises the meetups given as past events.
  let organiser: TestUser;
  beforeAll(async () => {
    organiser = await signUp(app);
  });
  const asOrganiser = {
    gql: (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
      app.gql(query, variables, { ...organiser.headers, ...headers }),
  };
  const api = () => apiSpecification(asOrganiser, app.client, serializer);
  const scheduled = (meetupId: string, startsAt = inDays(7)): MeetupEvent => ({
    type: 'MeetupScheduled',
    data: {
      meetupId,
      title: 'Given',
      description: '',
      city: 'Lisbon',
      startsAt,
      capacity: 20,
      ticketPriceCents: 0,
      organizerId: organiser.userId,
    },
  });

  async function ok(query: string, input: Record<string, unknown>) {
    const response = await asOrganiser.gql(query, { input });
    expect(response.errors).toBeUndefined();
    return Object.values(response.data!)[0] as { id: string; revision: number; position: string };
  }

  it('returns the first result for an exact repeat, across a restart, and appends nothing', async () => {
    const input = scheduleInput({ commandId: randomUUID() });
    const first = await ok(SCHEDULE, input);
    await app.restart();
    expect(await ok(SCHEDULE, input)).toEqual(first);
    const events = await app.client.readStream(toStreamId(first.id), {
      direction: FORWARDS,
      fromRevision: START,
    });
    let count = 0;
    for await (const _ of events) count++;
    expect(count).toBe(1);
  });

  it('refuses a command id repeated with another input, after a restart, and never decides on what it was not', async () => {
    const startsAt = inDays(7);
    const commandId = randomUUID();
    const first = await ok(SCHEDULE, scheduleInput({ commandId, startsAt }));
    await app.restart();

    await (
      await api()
        .given()
        .when(SCHEDULE, { input: scheduleInput({ commandId, startsAt: inDays(8) }) })
    ).thenFails('IDEMPOTENCY_KEY_REUSED');
    // Moving it to where it already is changes nothing: the refused input was never its state.
    const same = await ok(RESCHEDULE, { meetupId: first.id, startsAt });
    expect(same.revision).toBe(0);
    const later = inDays(9);
    await (
      await api()
        .given()
        .when(RESCHEDULE, { input: { meetupId: first.id, startsAt: later } })
    ).thenEvents(toStreamId(first.id), [
      {
        type: 'MeetupRescheduled',
        data: { meetupId: first.id, startsAt: later, previousStartsAt: startsAt },
      },
    ]);
  });

  it('treats a command id in upper case as the same command', async () => {
    const commandId = randomUUID();
    const input = scheduleInput();
    const lower = await ok(SCHEDULE, { ...input, commandId });
    const upper = await ok(SCHEDULE, { ...input, commandId: commandId.toUpperCase() });
    expect(upper).toEqual(lower);
    const meetupId = randomUUID();
    await (
      await api()
        .given({ [toStreamId(meetupId)]: [scheduled(meetupId)] })
        .when(PUBLISH, { input: { meetupId: meetupId.toUpperCase() } })
    ).thenEvents(toStreamId(meetupId), [{ type: 'MeetupPublished', data: { meetupId } }]);
  });

  it('refuses one command id used on another meetup, and never stores an event id twice', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const commandId = randomUUID();
    await (
      await api()
        .given({ [toStreamId(a)]: [scheduled(a)], [toStreamId(b)]: [scheduled(b)] })
        .when(PUBLISH, { input: { meetupId: a, commandId } })
    ).thenEvents(toStreamId(a), [{ type: 'MeetupPublished', data: { meetupId: a } }]);
    await (
      await api()
        .given()
        .when(PUBLISH, { input: { meetupId: b, commandId } })
    ).thenFails('IDEMPOTENCY_KEY_REUSED');

    const ids = new Set<string>();
    for await (const resolved of app.client.readAll()) {
      expect(ids.has(resolved.event!.id)).toBe(false);
      ids.add(resolved.event!.id);
    }
  });

  it('refuses the command id of one mutation reused for another on the same meetup', async () => {
    const commandId = randomUUID();
    const meetup = await ok(SCHEDULE, scheduleInput({ commandId }));
    await (
      await api()
        .given()
        .when(PUBLISH, { input: { meetupId: meetup.id, commandId } })
    ).thenFails('IDEMPOTENCY_KEY_REUSED');
    await (
      await api()
        .given()
        .when(CANCEL, { input: { meetupId: meetup.id, commandId, reason: 'Rain' } })
    ).thenFails('IDEMPOTENCY_KEY_REUSED');
  });

  it('lets exactly one of many concurrent uses of a command id on different meetups through', async () => {
    const meetups = Array.from({ length: 8 }, () => randomUUID());
    const given = Object.fromEntries(meetups.map((id) => [toStreamId(id), [scheduled(id)]]));
    await api().given(given).append();
    const commandId = randomUUID();
    const responses = await Promise.all(
      meetups.map((meetupId) => asOrganiser.gql(PUBLISH, { input: { meetupId, commandId } })),
    );
    const codes = responses.map((r) => r.errors?.[0].extensions?.code ?? 'OK').sort();
    expect(codes).toEqual([...Array(7).fill('IDEMPOTENCY_KEY_REUSED'), 'OK']);
  });

  it('answers concurrent exact repeats with one result and one event', async () => {
    const input = scheduleInput({ commandId: randomUUID() });
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => asOrganiser.gql(SCHEDULE, { input })),
    );
    const results = responses.map((r) => {
      expect(r.errors).toBeUndefined();
      return r.data!.scheduleMeetup;
    });
    for (const result of results) expect(result).toEqual(results[0]);
    let count = 0;
    for await (const _ of app.client.readStream(toStreamId(results[0].id))) count++;
    expect(count).toBe(1);
  });

  it('decides against the revision the client saw, or refuses with WRONG_EXPECTED_REVISION', async () => {
    const meetup = await ok(SCHEDULE, scheduleInput());
    const seen = await app.gql(MEETUP, { id: meetup.id, consistentWith: meetup.position });
    expect(seen.data!.meetup.revision).toBe(0);

    const commandId = randomUUID();
    const input = { meetupId: meetup.id, startsAt: inDays(10), expectedRevision: 0, commandId };
    const moved = await ok(RESCHEDULE, input);
    expect(moved.revision).toBe(1);
    // The same command again is a repeat, not a stale write.
    expect(await ok(RESCHEDULE, input)).toEqual(moved);

    const stale = await api()
      .given()
      .when(CANCEL, { input: { meetupId: meetup.id, reason: 'Stale screen', expectedRevision: 0 } });
    await stale.thenFails('WRONG_EXPECTED_REVISION');
    expect(stale.response.errors![0].extensions).toMatchObject({ expectedRevision: 0, currentRevision: 1 });

    await (
      await api()
        .given()
        .when(CANCEL, { input: { meetupId: meetup.id, reason: 'Fresh screen', expectedRevision: 1 } })
    ).thenEvents(toStreamId(meetup.id), [
      { type: 'MeetupCancelled', data: { meetupId: meetup.id, reason: 'Fresh screen' } },
    ]);
  });

  it('never retries a command with an expected revision onto newer state', async () => {
    const meetup = await ok(SCHEDULE, scheduleInput());
    const inputs = Array.from({ length: 10 }, (_, i) => ({
      meetupId: meetup.id,
      startsAt: inDays(20 + i),
      commandId: randomUUID(),
    }));
    const responses = await Promise.all(
      inputs.map((input) => asOrganiser.gql(RESCHEDULE, { input: { ...input, expectedRevision: 0 } })),
    );
    const codes = responses.map((r) => r.errors?.[0].extensions?.code ?? 'OK');
    expect([...codes].sort()).toEqual(['OK', ...Array(9).fill('WRONG_EXPECTED_REVISION')]);
    let count = 0;
    for await (const _ of app.client.readStream(toStreamId(meetup.id))) count++;
    expect(count).toBe(2);

    // The expected revision is a precondition, not part of what a command asks: a loser may send
    // its command again, under its id, against the revision it now sees.
    let revision = 1;
    for (const [i, input] of inputs.entries()) {
      if (codes[i] === 'OK') continue;
      revision = (await ok(RESCHEDULE, { ...input, expectedRevision: revision })).revision;
    }
    expect(revision).toBe(10);
  });

  it('reads an explicit null expectedRevision as none given', async () => {
    const meetup = await ok(SCHEDULE, scheduleInput());
    expect((await ok(PUBLISH, { meetupId: meetup.id, expectedRevision: null })).revision).toBe(1);
  });

  it('answers a repeat of a command that changed nothing the same, whatever happened since', async () => {
    const startsAt = inDays(7);
    const meetup = await ok(SCHEDULE, scheduleInput({ startsAt }));
    const noChange = { meetupId: meetup.id, startsAt, commandId: randomUUID() };
    const first = await ok(RESCHEDULE, noChange);
    expect(first.revision).toBe(0);
    const later = inDays(8);
    await ok(RESCHEDULE, { meetupId: meetup.id, startsAt: later });

    await (await api().given().when(RESCHEDULE, { input: noChange })).thenNothingAppended();
    expect(await ok(RESCHEDULE, noChange)).toEqual(first);
    await (
      await api()
        .given()
        .when(CANCEL, { input: { meetupId: meetup.id, reason: 'x', commandId: noChange.commandId } })
    ).thenFails('IDEMPOTENCY_KEY_REUSED');

    // Even once the meetup is cancelled, and with an expected revision long gone.
    const stale = { meetupId: meetup.id, startsAt: later, commandId: randomUUID(), expectedRevision: 1 };
    const staleFirst = await ok(RESCHEDULE, stale);
    expect(staleFirst.revision).toBe(1);
    await ok(CANCEL, { meetupId: meetup.id, reason: 'Venue closed' });
    expect(await ok(RESCHEDULE, noChange)).toEqual(first);
    expect(await ok(RESCHEDULE, stale)).toEqual(staleFirst);
    await (
      await api()
        .given()
        .when(RESCHEDULE, { input: { ...noChange, startsAt: inDays(30) } })
    ).thenFails('IDEMPOTENCY_KEY_REUSED');
  });
});
