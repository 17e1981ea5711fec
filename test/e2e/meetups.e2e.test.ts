import { randomUUID } from 'node:crypto';
import { useTestApp } from '../support/app';
import { ADMIN_ENV, logInAsAdmin, signUp, TestUser } from '../support/identity';
import { CANCEL, inDays, PUBLISH, RESCHEDULE, SCHEDULE } from '../support/meetup-operations';

const MEETUP = `query Meetup($id: ID!, $consistentWith: String) {
  meetup(id: $id, consistentWith: $consistentWith) {
    id title description city startsAt capacity seatsAvailable ticketPriceCents status revision
  }
}`;
const MEETUPS = `query Meetups($filter: MeetupsFilter, $first: Int, $after: String, $consistentWith: String) {
  meetups(filter: $filter, first: $first, after: $after, consistentWith: $consistentWith) {
    edges { cursor node { id title city startsAt status } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const HISTORY = `query History($streamId: String!) {
  streamHistory(streamId: $streamId) { eventId streamId type revision position recordedAt data metadata }
}`;
const AUDIT = `query Audit($correlationId: String, $types: [String!]) {
  auditEvents(correlationId: $correlationId, types: $types) { eventId streamId type metadata }
}`;

const meetupInput = (overrides: Record<string, unknown> = {}) => ({
  title: 'Event sourcing night',
  description: 'Talks and pizza',
  city: 'Lisbon',
  startsAt: inDays(7),
  capacity: 50,
  ...overrides,
});

describe('meetups end to end over GraphQL', () => {
  const app = useTestApp({ ...ADMIN_ENV, CONSISTENCY_TIMEOUT_MS: '1500' });
  // Every command is sent as one organiser; the audit trail is read as the admin, who may read it all.
  let organiser: TestUser;
  let admin: TestUser;
  beforeAll(async () => {
    organiser = await signUp(app);
    admin = await logInAsAdmin(app);
  });
  /** A mutation as the organiser. */
  const send = (query: string, input: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.gql(query, { input }, { ...organiser.headers, ...headers });
  const history = (streamId: string) => app.gql(HISTORY, { streamId }, admin.headers);
  const audit = (variables: Record<string, unknown>) => app.gql(AUDIT, variables, admin.headers);

  async function schedule(overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    const response = await send(SCHEDULE, meetupInput(overrides), headers);
    expect(response.errors).toBeUndefined();
    return response.data!.scheduleMeetup as {
      id: string;
      revision: number;
      position: string;
    };
  }

  it('schedules, publishes, lists through the consistency token, and shows the audit trail', async () => {
    const correlationId = randomUUID();
    const scheduled = await schedule(
      { city: `Porto-${correlationId}` },
      { 'x-correlation-id': correlationId },
    );
    expect(scheduled).toMatchObject({ revision: 0 });
    expect(scheduled.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const published = await send(PUBLISH, { meetupId: scheduled.id }, { 'x-correlation-id': correlationId });
    expect(published.errors).toBeUndefined();
    const token = published.data!.publishMeetup.position as string;
    expect(BigInt(token)).toBeGreaterThan(BigInt(scheduled.position));

    const list = await app.gql(MEETUPS, {
      filter: { city: `Porto-${correlationId}`, status: 'PUBLISHED' },
      consistentWith: token,
    });
    expect(list.errors).toBeUndefined();
    expect(list.data!.meetups.edges.map((e: any) => e.node)).toEqual([
      expect.objectContaining({ id: scheduled.id, title: 'Event sourcing night', status: 'PUBLISHED' }),
    ]);

    const detail = await app.gql(MEETUP, { id: scheduled.id, consistentWith: token });
    expect(detail.data!.meetup).toMatchObject({
      capacity: 50,
      seatsAvailable: 50,
      ticketPriceCents: 0,
      revision: 1,
      status: 'PUBLISHED',
    });

    const events = (await history(`meetup-${scheduled.id}`)).data!.streamHistory;
    expect(events.map((e: any) => e.type)).toEqual(['MeetupScheduled', 'MeetupPublished']);
    expect(events.map((e: any) => e.metadata.correlationId)).toEqual([correlationId, correlationId]);
    for (const event of events) {
      expect(event.metadata.causationId).toBe(event.metadata.commandId);
      expect(event.metadata.occurredAt).toEqual(expect.any(String));
    }
    expect(events.map((e: any) => e.metadata.schemaVersion)).toEqual([2, 1]);
    expect(events[1].position).toBe(token);

    const trail = await audit({ correlationId });
    // Each command records what it was before its events: the audit trail shows both.
    expect(trail.data!.auditEvents.map((e: any) => e.type)).toEqual([
      'CommandAccepted',
      'MeetupScheduled',
      'CommandAccepted',
      'MeetupPublished',
    ]);
  });

  it('gives every event of one mutation the same correlation id, and the command id as causation id', async () => {
    const commandId = randomUUID();
    const scheduled = await schedule({ commandId });
    const [event] = (await history(`meetup-${scheduled.id}`)).data!.streamHistory;
    expect(event.metadata.commandId).toBe(commandId);
    expect(event.metadata.causationId).toBe(commandId);
    expect(event.metadata.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('appends nothing for a repeated command id and returns the first result', async () => {
    const input = { commandId: randomUUID(), startsAt: inDays(7) };
    const first = await schedule(input);
    const again = await schedule(input);
    expect(again).toEqual(first);
    const publishId = randomUUID();
    const published = await send(PUBLISH, { meetupId: first.id, commandId: publishId });
    const repeated = await send(PUBLISH, { meetupId: first.id, commandId: publishId });
    expect(repeated.data).toEqual(published.data);
    expect((await history(`meetup-${first.id}`)).data!.streamHistory).toHaveLength(2);
  });

  it('answers invalid input with BAD_USER_INPUT naming the fields, and appends nothing', async () => {
    const city = `Nowhere-${randomUUID()}`;
    const response = await send(
      SCHEDULE,
      meetupInput({ title: 'x', capacity: 0, city, commandId: 'not-a-uuid' }),
    );
    expect(response.errors).toHaveLength(1);
    const [error] = response.errors!;
    expect(error.extensions!.code).toBe('BAD_USER_INPUT');
    expect(error.extensions!.fields.map((f: any) => f.field).sort()).toEqual([
      'capacity',
      'commandId',
      'title',
    ]);
    expect(JSON.stringify(response)).not.toMatch(/at .*\.ts:\d+/);
    const scheduled = await audit({ types: ['MeetupScheduled'] });
    expect(scheduled.errors).toBeUndefined();
    expect(
      scheduled.data!.auditEvents.filter((e: any) => e.metadata && JSON.stringify(e).includes(city)),
    ).toEqual([]);
  });

  it('answers domain rule violations with their codes, and appends nothing', async () => {
    const past = await send(SCHEDULE, meetupInput({ startsAt: inDays(-1) }));
    expect(past.errors![0].extensions!.code).toBe('INVALID_START');

    const missing = randomUUID();
    const notFound = await send(PUBLISH, { meetupId: missing });
    expect(notFound.errors![0].extensions!.code).toBe('MEETUP_NOT_FOUND');
    expect((await history(`meetup-${missing}`)).data!.streamHistory).toEqual([]);

    const meetup = await schedule();
    const cancelled = await send(CANCEL, { meetupId: meetup.id, reason: 'Venue closed' });
    expect(cancelled.errors).toBeUndefined();
    for (const [query, input] of [
      [PUBLISH, { meetupId: meetup.id }],
      [RESCHEDULE, { meetupId: meetup.id, startsAt: inDays(9) }],
      [CANCEL, { meetupId: meetup.id, reason: 'Again' }],
    ] as const) {
      const response = await send(query, input);
      expect(response.errors![0].extensions!.code).toBe('MEETUP_CANCELLED');
    }
    expect((await history(`meetup-${meetup.id}`)).data!.streamHistory.map((e: any) => e.type)).toEqual([
      'MeetupScheduled',
      'MeetupCancelled',
    ]);
  });

  it('keeps a contiguous stream under 50 concurrent conflicting commands', async () => {
    const meetup = await schedule();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        send(RESCHEDULE, { meetupId: meetup.id, startsAt: inDays(10 + i) }),
      ),
    );
    const succeeded = responses.filter((r) => !r.errors);
    const failed = responses.filter((r) => r.errors);
    for (const failure of failed) expect(failure.errors![0].extensions!.code).toBe('CONCURRENCY_CONFLICT');
    const events = (await history(`meetup-${meetup.id}`)).data!.streamHistory;
    expect(events.map((e: any) => e.revision)).toEqual(events.map((_: unknown, i: number) => i));
    expect(events).toHaveLength(1 + succeeded.length);
    const revisions = succeeded
      .map((r) => r.data!.rescheduleMeetup.revision)
      .sort((a: number, b: number) => a - b);
    expect(revisions).toEqual(revisions.map((_: number, i: number) => i + 1));
  });

  it('pages through meetups sorted by start time', async () => {
    const city = `Braga-${randomUUID()}`;
    let last = '';
    for (const days of [5, 3, 9, 1, 7])
      last = (await schedule({ city, startsAt: inDays(days), title: `In ${days} days` })).position;
    const titles: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await app.gql(MEETUPS, { filter: { city }, first: 2, after, consistentWith: last });
      expect(page.errors).toBeUndefined();
      titles.push(...page.data!.meetups.edges.map((e: any) => e.node.title));
      if (!page.data!.meetups.pageInfo.hasNextPage) break;
      after = page.data!.meetups.pageInfo.endCursor;
    }
    expect(titles).toEqual(['In 1 days', 'In 3 days', 'In 5 days', 'In 7 days', 'In 9 days']);
    const real = after!;
    const tampered = (startsAt: unknown, id: unknown = randomUUID()) =>
      Buffer.from(JSON.stringify([startsAt, id])).toString('base64url');
    for (const after of [
      'garbage',
      '',
      tampered(null),
      tampered(0),
      tampered(true),
      tampered('2030-02-30T00:00:00Z'),
      tampered('2030-01-01T00:00:00.000Z', { $gt: '' }),
      `${real}!!!`,
      `${real}==`,
      real.split('').join('.'),
      `${real.slice(0, -1)}${real.endsWith('A') ? 'B' : 'A'}`,
    ]) {
      const bad = await app.gql(MEETUPS, { after });
      expect([after, bad.errors?.[0].extensions!.code]).toEqual([after, 'BAD_USER_INPUT']);
    }
  });

  it('answers STALE_READ when the read model cannot reach the position in time', async () => {
    const response = await app.gql(MEETUP, { id: randomUUID(), consistentWith: '999999999999999' });
    expect(response.errors![0].extensions!.code).toBe('STALE_READ');
  });
});
