import { randomUUID } from 'node:crypto';
import { isRecordedEventType } from '../../src/eventsourcing/subscriptions/domain-events';
import { meetupDecider } from '../../src/meetups/domain/meetup.decider';
import { GraphQLResponse, useTestApp } from '../support/app';
import { ADMIN_ENV, logInAsAdmin, register, signUp, TestUser } from '../support/identity';
import { CANCEL, inDays, PUBLISH, RESCHEDULE, SCHEDULE } from '../support/meetup-operations';
import { lastDomainPosition, waitFor } from '../support/read';

const EVENT = 'eventId streamId type revision position recordedAt data metadata';
const TRAIL = `query ($c: String!, $at: String) {
  correlationTrail(correlationId: $c, consistentWith: $at) { correlationId truncated tree events { ${EVENT} } }
}`;
const STATE_AT = `query ($s: String!, $r: Int, $at: DateTime) {
  streamStateAt(streamId: $s, revision: $r, at: $at) { streamId revision state eventCount events { ${EVENT} } }
}`;
const ACTIVITY = `query ($u: String!, $first: Int, $after: String, $from: DateTime, $to: DateTime, $at: String) {
  userActivity(userId: $u, first: $first, after: $after, from: $from, to: $to, consistentWith: $at) {
    edges { cursor node { eventId streamId type position recordedAt metadata } } pageInfo { hasNextPage endCursor }
  }
}`;
const HISTORY = `query ($s: String!) { streamHistory(streamId: $s, limit: 10) { ${EVENT} } }`;
const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id revision position } }`;
const ORDER = `query ($id: ID!) { order(id: $id) { status } }`;

interface Event {
  eventId: string;
  streamId: string;
  type: string;
  revision: number;
  position: string;
  recordedAt: string;
  data: unknown;
  metadata: { correlationId: string; causationId: string; commandId: string; userId?: string };
}
interface CommandNode {
  commandId: string;
  commandType: string | null;
  causedBy: string | null;
  events: { eventId: string; type: string; streamId: string; position: string; caused: CommandNode[] }[];
  caused: CommandNode[];
}

const codeOf = (response: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  response.errors?.map((e) => e.extensions?.code);

/** The tree as `type@stream category`, nested, to compare with the shape a flow must have. */
const shape = (command: CommandNode): unknown => ({
  command: command.commandType,
  events: command.events.map((e) => ({
    [e.type]: e.caused.map(shape),
  })),
  ...(command.caused.length ? { steps: command.caused.map(shape) } : {}),
});

describe('the audit trail: correlation trails, states as of a time, user activity', () => {
  const app = useTestApp({ ...ADMIN_ENV, ORDER_PAYMENT_TIMEOUT_SECONDS: '600' });
  let admin: TestUser;
  let organiser: TestUser;
  beforeAll(async () => {
    admin = await logInAsAdmin(app);
    organiser = await signUp(app, 'ORGANIZER');
  });
  const asAdmin = (query: string, variables: Record<string, unknown>) =>
    app.gql(query, variables, admin.headers);

  /** A meetup the organiser scheduled and published, with tickets for sale. */
  const publishedMeetup = async (title: string) => {
    const input = { title, city: 'Porto', startsAt: inDays(9), capacity: 10, ticketPriceCents: 900 };
    const meetupId = (await app.gql(SCHEDULE, { input }, organiser.headers)).data!.scheduleMeetup
      .id as string;
    await app.gql(PUBLISH, { input: { meetupId } }, organiser.headers);
    return meetupId;
  };
  /** Every event of a correlation id, command records too, read from `$all` itself: what the trail must show. */
  const eventsInStore = async (correlationId: string) => {
    const found: string[] = [];
    for await (const resolved of app.client.readAll()) {
      const event = resolved.event!;
      if (!isRecordedEventType(event.type)) continue;
      const metadata =
        event.metadata instanceof Uint8Array
          ? JSON.parse(Buffer.from(event.metadata).toString('utf8'))
          : (event.metadata as { correlationId?: string });
      if (metadata.correlationId === correlationId) found.push(event.id);
    }
    return found;
  };
  const trailOf = async (correlationId: string, until: (events: Event[]) => boolean) => {
    let trail: { events: Event[]; tree: CommandNode[]; truncated: boolean } | undefined;
    await waitFor(async () => {
      const response = await asAdmin(TRAIL, { c: correlationId });
      expect(response.errors).toBeUndefined();
      trail = response.data!.correlationTrail;
      return until(trail!.events);
    }, 15_000);
    return trail!;
  };

  it('follows a sign-up across streams to its welcome e-mail, in order, with the causation tree', async () => {
    const correlationId = randomUUID();
    const userId = await register(app, correlationId.toUpperCase());
    const trail = await trailOf(correlationId, (events) => events.some((e) => e.type === 'EmailSent'));

    expect(trail.events.map((e) => e.eventId)).toEqual(await eventsInStore(correlationId));
    const positions = trail.events.map((e) => BigInt(e.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(trail.events.map((e) => `${e.type}@${e.streamId.split('-')[0]}`)).toEqual([
      'CommandAccepted@command',
      'EmailReserved@useremail',
      'CommandAccepted@command',
      'UserRegistered@user',
      'CommandAccepted@command',
      'EmailSent@email',
    ]);
    expect(trail.events.every((e) => e.metadata.userId === userId)).toBe(true);

    // The sign-up reserved the address as a step of its own, then registered the user, whose
    // registration caused the welcome e-mail.
    expect(trail.tree).toHaveLength(1);
    const [root] = trail.tree;
    expect(root.causedBy).toBeNull();
    expect(shape(root)).toEqual({
      command: 'RegisterUser',
      events: [{ UserRegistered: [{ command: 'RecordEmail', events: [{ EmailSent: [] }] }] }],
      steps: [{ command: 'ReserveEmail', events: [{ EmailReserved: [] }] }],
    });
    const registration = trail.events.find((e) => e.type === 'UserRegistered')!;
    expect(root.commandId).toBe(registration.metadata.commandId);
    expect(root.events[0].caused[0].causedBy).toBe(registration.eventId);
    expect(root.caused[0].causedBy).toBe(root.commandId);
  });

  it("gives each mutation's correlation id, in its result and a response header, to follow it by", async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...organiser.headers },
      body: JSON.stringify({
        query: `mutation ($input: ScheduleMeetupInput!) { scheduleMeetup(input: $input) { id position correlationId } }`,
        variables: { input: { title: 'Followed', city: 'Porto', startsAt: inDays(4), capacity: 3 } },
      }),
    });
    const { scheduleMeetup } = ((await response.json()) as { data: Record<string, Record<string, string>> })
      .data;
    expect(scheduleMeetup.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-correlation-id')).toBe(scheduleMeetup.correlationId);
    const trail = await asAdmin(TRAIL, { c: scheduleMeetup.correlationId, at: scheduleMeetup.position });
    expect(trail.data!.correlationTrail.events.map((e: Event) => `${e.type} ${e.streamId}`)).toEqual([
      expect.stringMatching(/^CommandAccepted command-/),
      `MeetupScheduled meetup-${scheduleMeetup.id}`,
    ]);
  });

  it('follows an order through the process manager, the meetup, the payment and the e-mail', async () => {
    const buyer = await signUp(app, 'ATTENDEE');
    const meetupId = await publishedMeetup('Trail night');
    const correlationId = randomUUID();
    const placed = await app.gql(
      PLACE,
      { input: { meetupId, quantity: 2, paymentToken: 'tok_ok' } },
      { ...buyer.headers, 'x-correlation-id': correlationId },
    );
    expect(placed.errors).toBeUndefined();
    const orderId = placed.data!.placeOrder.id as string;
    await waitFor(
      async () => (await app.gql(ORDER, { id: orderId }, buyer.headers)).data?.order?.status === 'CONFIRMED',
      15_000,
    );
    const trail = await trailOf(correlationId, (events) =>
      ['OrderConfirmed', 'EmailSent'].every((type) => events.some((e) => e.type === type)),
    );
    // Complete: the same events as `$all` holds under this correlation id, in its order.
    await waitFor(async () => {
      const again = (await asAdmin(TRAIL, { c: correlationId })).data!.correlationTrail.events as Event[];
      return (
        JSON.stringify(again.map((e) => e.eventId)) === JSON.stringify(await eventsInStore(correlationId))
      );
    });
    const streams = new Set(trail.events.map((e) => e.streamId.split('-')[0]));
    expect([...streams].sort()).toEqual(['command', 'email', 'fulfilment', 'meetup', 'order']);
    expect(trail.events.filter((e) => e.type !== 'CommandAccepted')[0].type).toBe('OrderPlaced');

    // One root, the client's command; every other command hangs under the event that caused it.
    expect(trail.tree).toHaveLength(1);
    const commands: CommandNode[] = [];
    const walk = (command: CommandNode) => {
      commands.push(command);
      command.caused.forEach(walk);
      command.events.forEach((e) => e.caused.forEach(walk));
    };
    walk(trail.tree[0]);
    const records = trail.events.filter((e) => e.type === 'CommandAccepted');
    const byId = new Map(trail.events.filter((e) => e.type !== 'CommandAccepted').map((e) => [e.eventId, e]));
    const inTree = commands.flatMap((c) => c.events.map((e) => e.eventId));
    expect(inTree.sort()).toEqual([...byId.keys()].sort());
    // Each command is named by its own record.
    expect(commands.map((c) => c.commandId).sort()).toEqual(records.map((r) => r.metadata.commandId).sort());
    for (const command of commands) {
      const record = records.find((r) => r.metadata.commandId === command.commandId)!;
      expect(command.commandType).toBe((record.data as { commandType: string }).commandType);
    }
    for (const command of commands) {
      for (const node of command.events) {
        const event = byId.get(node.eventId)!;
        expect(event.metadata.commandId).toBe(command.commandId);
        for (const child of node.caused) expect(child.causedBy).toBe(event.eventId);
      }
    }
    const placedEvent = [...byId.values()][0];
    expect(trail.tree[0]).toMatchObject({
      commandId: placedEvent.metadata.commandId,
      commandType: 'PlaceOrder',
    });
  });

  it('shows a meetup as it was before a reschedule, as folding its history by hand does', async () => {
    const firstStart = inDays(20);
    const scheduled = await app.gql(
      SCHEDULE,
      { input: { title: 'Moved', city: 'Lisbon', startsAt: firstStart, capacity: 7 } },
      organiser.headers,
    );
    const meetupId = scheduled.data!.scheduleMeetup.id as string;
    await app.gql(PUBLISH, { input: { meetupId } }, organiser.headers);
    const moved = await app.gql(RESCHEDULE, { input: { meetupId, startsAt: inDays(30) } }, organiser.headers);
    expect(moved.errors).toBeUndefined();
    const streamId = `meetup-${meetupId}`;
    const history = (await asAdmin(HISTORY, { s: streamId })).data!.streamHistory as Event[];
    expect(history.map((e) => e.type)).toEqual(['MeetupScheduled', 'MeetupPublished', 'MeetupRescheduled']);

    for (let revision = 0; revision < history.length; revision++) {
      const response = await asAdmin(STATE_AT, { s: streamId, r: revision });
      expect(response.errors).toBeUndefined();
      const byHand = history
        .slice(0, revision + 1)
        .reduce(
          (state, e) =>
            meetupDecider.evolve(state, { type: e.type, data: e.data } as Parameters<
              typeof meetupDecider.evolve
            >[1]),
          structuredClone(meetupDecider.initialState),
        );
      expect(response.data!.streamStateAt).toEqual({
        streamId,
        revision,
        state: JSON.parse(JSON.stringify(byHand)),
        eventCount: revision + 1,
        events: history.slice(0, revision + 1),
      });
    }

    // As of the moment the store recorded the publication (a bound that counts), before the reschedule.
    const then = (await asAdmin(STATE_AT, { s: streamId, at: history[1].recordedAt })).data!.streamStateAt;
    expect(then).toMatchObject({
      revision: 1,
      state: { status: 'PUBLISHED', startsAt: new Date(firstStart).toISOString() },
    });
    const before = (await asAdmin(STATE_AT, { s: streamId, at: '2000-01-01T00:00:00Z' })).data!.streamStateAt;
    expect(before).toMatchObject({ revision: -1, state: { status: 'NONE' }, eventCount: 0, events: [] });

    // Its organiser may look too, and nobody else.
    expect((await app.gql(STATE_AT, { s: streamId, r: 0 }, organiser.headers)).errors).toBeUndefined();
    const stranger = await signUp(app, 'ATTENDEE');
    expect(codeOf(await app.gql(STATE_AT, { s: streamId, r: 0 }, stranger.headers))).toEqual(['FORBIDDEN']);
  });

  it('folds every context’s streams with its own decider', async () => {
    const user = await signUp(app, 'ATTENDEE');
    const state = await asAdmin(STATE_AT, { s: `user-${user.userId}`, r: 0 });
    expect(state.data!.streamStateAt.state).toMatchObject({
      status: 'ACTIVE',
      userId: user.userId,
      role: 'ATTENDEE',
      passwordHash: '[redacted]',
    });
    const own = await app.gql(
      STATE_AT,
      { s: `user-${user.userId}`, at: new Date().toISOString() },
      user.headers,
    );
    expect(own.data!.streamStateAt.revision).toBe(0);
  });

  it('refuses a state asked for by neither or both of revision and at, past the end, of no stream or no decider', async () => {
    const { id } = (
      await app.gql(
        SCHEDULE,
        { input: { title: 'Refusals', city: 'Porto', startsAt: inDays(3), capacity: 1 } },
        organiser.headers,
      )
    ).data!.scheduleMeetup;
    const streamId = `meetup-${id}`;
    expect(codeOf(await asAdmin(STATE_AT, { s: streamId }))).toEqual(['BAD_USER_INPUT']);
    expect(codeOf(await asAdmin(STATE_AT, { s: streamId, r: 0, at: new Date().toISOString() }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codeOf(await asAdmin(STATE_AT, { s: streamId, r: 1 }))).toEqual(['BAD_USER_INPUT']);
    expect(codeOf(await asAdmin(STATE_AT, { s: streamId, r: -1 }))).toEqual(['BAD_USER_INPUT']);
    expect(codeOf(await asAdmin(STATE_AT, { s: streamId, at: '2026-02-30T00:00:00Z' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codeOf(await asAdmin(STATE_AT, { s: `meetup-${randomUUID()}`, r: 0 }))).toEqual([
      'STREAM_NOT_FOUND',
    ]);
    expect(codeOf(await asAdmin(STATE_AT, { s: `command-${randomUUID()}`, r: 0 }))).toEqual([
      'UNKNOWN_STREAM_CATEGORY',
    ]);
    expect(codeOf(await app.gql(STATE_AT, { s: streamId, r: 0 }))).toEqual(['UNAUTHENTICATED']);
  });

  it("pages a user's activity newest first, within a time range, to themselves and admins only", async () => {
    const user = await signUp(app, 'ORGANIZER');
    let position = '';
    for (let i = 0; i < 5; i++) {
      const scheduled = await app.gql(
        SCHEDULE,
        { input: { title: `Mine ${i}`, city: 'Porto', startsAt: inDays(4), capacity: 3 } },
        user.headers,
      );
      position = scheduled.data!.scheduleMeetup.position;
    }
    const pages: {
      eventId: string;
      type: string;
      position: string;
      recordedAt: string;
      metadata: { userId: string };
    }[][] = [];
    let after: string | null = null;
    do {
      const response: GraphQLResponse = await app.gql(
        ACTIVITY,
        { u: user.userId.toUpperCase(), first: 2, after, at: position },
        user.headers,
      );
      expect(response.errors).toBeUndefined();
      const page = response.data!.userActivity;
      pages.push(page.edges.map((e: { node: never }) => e.node));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    const all = pages.flat();
    // Each command's record, then its events. The sign-up reserved the address and registered the
    // user; the welcome e-mail went out for them.
    expect(pages.map((p) => p.length)).toEqual(Array(8).fill(2));
    expect(all.filter((e) => e.type === 'CommandAccepted')).toHaveLength(8);
    expect(all.filter((e) => e.type !== 'CommandAccepted').map((e) => e.type)).toEqual([
      ...Array(5).fill('MeetupScheduled'),
      'EmailSent',
      'UserRegistered',
      'EmailReserved',
    ]);
    const positions = all.map((e) => BigInt(e.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(all.every((e) => e.metadata.userId === user.userId)).toBe(true);

    const future = await app.gql(ACTIVITY, { u: user.userId, from: inDays(1) }, user.headers);
    expect(future.data!.userActivity.edges).toEqual([]);
    const lastOnly = await app.gql(
      ACTIVITY,
      { u: user.userId, from: all[0].recordedAt, to: all[0].recordedAt },
      user.headers,
    );
    expect(
      lastOnly.data!.userActivity.edges.map((e: { node: { eventId: string } }) => e.node.eventId),
    ).toEqual([all[0].eventId]);
    expect((await asAdmin(ACTIVITY, { u: user.userId, first: 100 })).data!.userActivity.edges).toHaveLength(
      16,
    );
    expect(codeOf(await app.gql(ACTIVITY, { u: user.userId }, organiser.headers))).toEqual(['FORBIDDEN']);
    expect(codeOf(await app.gql(ACTIVITY, { u: user.userId, after: 'not a cursor' }, user.headers))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codeOf(await app.gql(ACTIVITY, { u: user.userId, first: 101 }, user.headers))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it("shows users only their own events of a flow, and a stranger's flow as empty", async () => {
    const correlationId = randomUUID();
    const scheduled = await app.gql(
      SCHEDULE,
      { input: { title: 'Mine', city: 'Porto', startsAt: inDays(4), capacity: 3 } },
      { ...organiser.headers, 'x-correlation-id': correlationId },
    );
    const at = scheduled.data!.scheduleMeetup.position;
    const own = await app.gql(TRAIL, { c: correlationId, at }, organiser.headers);
    expect(own.data!.correlationTrail.events.map((e: Event) => e.type)).toEqual([
      'CommandAccepted',
      'MeetupScheduled',
    ]);
    const stranger = await signUp(app, 'ORGANIZER');
    const theirs = await app.gql(TRAIL, { c: correlationId, at }, stranger.headers);
    expect(theirs.data!.correlationTrail).toMatchObject({ events: [], tree: [] });

    // Someone else sending the same correlation id joins the flow, but each sees only their own.
    const joined = await app.gql(
      SCHEDULE,
      { input: { title: 'Theirs', city: 'Porto', startsAt: inDays(4), capacity: 3 } },
      { ...stranger.headers, 'x-correlation-id': correlationId },
    );
    const later = joined.data!.scheduleMeetup.position;
    const ownAgain = (await app.gql(TRAIL, { c: correlationId, at: later }, organiser.headers)).data!
      .correlationTrail;
    expect(ownAgain.events.every((e: Event) => e.metadata.userId === organiser.userId)).toBe(true);
    expect(ownAgain.events).toHaveLength(2);
    const all = (await asAdmin(TRAIL, { c: correlationId, at: later })).data!.correlationTrail;
    expect(all.events).toHaveLength(4);
    expect(all.tree).toHaveLength(2);
    expect(codeOf(await app.gql(TRAIL, { c: correlationId }))).toEqual(['UNAUTHENTICATED']);
    expect(codeOf(await asAdmin(TRAIL, { c: 'not-a-uuid' }))).toEqual(['BAD_USER_INPUT']);
  });

  it("keeps a buyer's order out of the organiser's view of the cancellation that refunded it", async () => {
    const buyer = await signUp(app, 'ATTENDEE');
    const meetupId = await publishedMeetup('Called off');
    const placed = await app.gql(
      PLACE,
      { input: { meetupId, quantity: 1, paymentToken: 'tok_ok' } },
      buyer.headers,
    );
    const orderId = placed.data!.placeOrder.id as string;
    const status = async () => (await app.gql(ORDER, { id: orderId }, buyer.headers)).data?.order?.status;
    await waitFor(async () => (await status()) === 'CONFIRMED', 15_000);
    const correlationId = randomUUID();
    const cancelled = await app.gql(
      CANCEL,
      { input: { meetupId, reason: 'The venue closed' } },
      { ...organiser.headers, 'x-correlation-id': correlationId },
    );
    expect(cancelled.errors).toBeUndefined();
    const all = await trailOf(correlationId, (events) =>
      ['PaymentRefunded', 'EmailSent'].every((type) => events.some((e) => e.type === type)),
    );
    expect(all.events.some((e) => e.streamId === `order-${orderId}`)).toBe(true);

    const asOrganiser = (await app.gql(TRAIL, { c: correlationId }, organiser.headers)).data!
      .correlationTrail;
    const organiserStreams = new Set<string>(asOrganiser.events.map((e: Event) => e.streamId));
    // Nor the e-mail telling the buyer: its record is the buyer's.
    expect([...organiserStreams].filter((s) => /^(order|fulfilment|email)-/.test(s))).toEqual([]);
    expect(organiserStreams).toContain(`meetup-${meetupId}`);
    // The meetup's own events name the order; its payment and buyer stay with the buyer.
    for (const field of ['buyerId', 'amountCents', 'authorizationId', 'refundId']) {
      expect(JSON.stringify(asOrganiser)).not.toContain(field);
    }
    const activity = (await app.gql(ACTIVITY, { u: organiser.userId, first: 100 }, organiser.headers)).data!
      .userActivity.edges as { node: Event }[];
    expect(activity.filter(({ node }) => /^(order|fulfilment)-/.test(node.streamId))).toEqual([]);

    const asBuyer = (await app.gql(TRAIL, { c: correlationId }, buyer.headers)).data!.correlationTrail;
    expect(asBuyer.events.map((e: Event) => e.type)).toEqual(
      expect.arrayContaining(['OrderCancelled', 'PaymentRefunded']),
    );
    const buyerStreams = new Set<string>(asBuyer.events.map((e: Event) => e.streamId.split('-')[0]));
    expect([...buyerStreams].sort()).toEqual(['command', 'email', 'fulfilment', 'order']);
    const emails = asBuyer.events.filter((e: Event) => e.type === 'EmailSent');
    expect(emails.map((e: Event) => (e.data as { userId: string }).userId)).toEqual([buyer.userId]);

    // The record of the refund the organiser's request caused is the buyer's order's, read by stream too.
    const refundRecord = all.events.find(
      (e) => e.type === 'CommandAccepted' && (e.data as { streamId: string }).streamId === `order-${orderId}`,
    )!;
    expect(refundRecord.metadata.userId).toBe(organiser.userId);
    expect(codeOf(await app.gql(HISTORY, { s: refundRecord.streamId }, organiser.headers))).toEqual([
      'FORBIDDEN',
    ]);
    expect((await app.gql(HISTORY, { s: refundRecord.streamId }, buyer.headers)).errors).toBeUndefined();

    // The buyer's activity, a page of one at a time, goes past what they may not see to its end.
    const seen: Event[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThan(100);
      const response: GraphQLResponse = await app.gql(
        ACTIVITY,
        { u: buyer.userId, first: 1, after },
        buyer.headers,
      );
      const { edges, pageInfo } = response.data!.userActivity;
      seen.push(...edges.map((e: { node: Event }) => e.node));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
      expect(after).not.toBeNull();
    }
    expect(seen.map((e) => e.type)).toEqual(expect.arrayContaining(['OrderPlaced', 'UserRegistered']));
    expect(seen.filter((e) => e.streamId.startsWith('meetup-'))).toEqual([]);
  });

  it("counts the audit index's lag in every event it reads, command records included", async () => {
    const lagOf = async () =>
      (
        (await asAdmin(`{ projections { name lag } }`, {})).data!.projections as {
          name: string;
          lag: number;
        }[]
      ).find((p) => p.name === 'projection:audit-index')!.lag;
    const paused = await asAdmin(`mutation { pauseProjection(name: "audit-index") { state } }`, {});
    expect(paused.data!.pauseProjection.state).toBe('PAUSED');
    try {
      const before = await lagOf();
      for (let i = 0; i < 3; i++) {
        await app.gql(
          SCHEDULE,
          { input: { title: `Lagging ${i}`, city: 'Porto', startsAt: inDays(4), capacity: 3 } },
          organiser.headers,
        );
      }
      // Three commands: three records and three events.
      expect((await lagOf()) - before).toBe(6);
    } finally {
      await asAdmin(`mutation { resumeProjection(name: "audit-index") { state } }`, {});
    }
  });

  it('answers auditEvents from the index, paged by position, filtered by type and correlation id', async () => {
    const head = String(await lastDomainPosition(app.client));
    const page = async (after?: string) =>
      (
        await asAdmin(
          `query ($a: String, $at: String) { auditEvents(after: $a, limit: 3, types: ["MeetupScheduled"], consistentWith: $at) { type position } }`,
          { a: after, at: head },
        )
      ).data!.auditEvents as { type: string; position: string }[];
    const first = await page();
    const second = await page(first.at(-1)!.position);
    expect([...first, ...second].every((e) => e.type === 'MeetupScheduled')).toBe(true);
    expect(BigInt(second[0].position)).toBeGreaterThan(BigInt(first.at(-1)!.position));
  });
});
