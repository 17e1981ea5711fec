import { randomUUID } from 'node:crypto';
import { TEST_ENV, useTestApp } from '../support/app';
import { ADMIN_ENV, bearer, logInAsAdmin, signUp, TestUser } from '../support/identity';
import { CANCEL, inDays, PUBLISH, SCHEDULE } from '../support/meetup-operations';
import { craftToken, nowSeconds } from '../support/tokens';

const schedule = () => ({
  input: { title: 'Event sourcing', city: 'Lisbon', startsAt: inDays(10), capacity: 20 },
});
const codeOf = (response: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  response.errors?.[0]?.extensions?.code;

describe('access: who may do what', () => {
  const app = useTestApp(ADMIN_ENV);
  let organiser: TestUser;
  let otherOrganiser: TestUser;
  let attendee: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    [organiser, otherOrganiser, attendee] = await Promise.all([
      signUp(app, 'ORGANIZER'),
      signUp(app, 'ORGANIZER'),
      signUp(app, 'ATTENDEE'),
    ]);
    admin = await logInAsAdmin(app);
  });

  describe('every mutation needs a valid session token', () => {
    it('refuses a mutation without a token, and appends nothing', async () => {
      const response = await app.gql(SCHEDULE, schedule());
      expect(codeOf(response)).toBe('UNAUTHENTICATED');
      expect(response.data).toBeNull();
    });

    it('accepts a token made with the secret and HS256 (so the refusals below are about the token)', async () => {
      const token = craftToken(
        { sub: organiser.userId, role: 'ORGANIZER', iat: nowSeconds(), exp: nowSeconds() + 60 },
        { secret: TEST_ENV.JWT_SECRET },
      );
      expect((await app.gql(SCHEDULE, schedule(), bearer(token))).errors).toBeUndefined();
    });

    const refused: [string, () => string][] = [
      [
        'a tampered token (role raised to ADMIN, signature kept)',
        () => {
          const [header, , signature] = organiser.token.split('.');
          const payload = JSON.parse(Buffer.from(organiser.token.split('.')[1], 'base64url').toString());
          const raised = Buffer.from(JSON.stringify({ ...payload, role: 'ADMIN' })).toString('base64url');
          return `${header}.${raised}.${signature}`;
        },
      ],
      [
        'an expired token',
        () =>
          craftToken(
            { sub: organiser.userId, role: 'ORGANIZER', iat: nowSeconds() - 120, exp: nowSeconds() - 60 },
            { secret: TEST_ENV.JWT_SECRET },
          ),
      ],
      [
        'a token with alg none',
        () => craftToken({ sub: organiser.userId, role: 'ADMIN', exp: nowSeconds() + 60 }, { alg: 'none' }),
      ],
      [
        'a token signed with another secret',
        () =>
          craftToken(
            { sub: organiser.userId, role: 'ORGANIZER', exp: nowSeconds() + 60 },
            { secret: 'another secret, long enough: 0123456789abcdef' },
          ),
      ],
      [
        'a token signed with the secret in another algorithm (HS512)',
        () =>
          craftToken(
            { sub: organiser.userId, role: 'ORGANIZER', exp: nowSeconds() + 60 },
            { secret: TEST_ENV.JWT_SECRET, alg: 'HS512' },
          ),
      ],
      [
        'a token without an expiry... that names no user',
        () =>
          craftToken(
            { sub: 'not-a-user-id', role: 'ORGANIZER', exp: nowSeconds() + 60 },
            { secret: TEST_ENV.JWT_SECRET },
          ),
      ],
      [
        'a token naming a role that does not exist',
        () =>
          craftToken(
            { sub: organiser.userId, role: 'ROOT', exp: nowSeconds() + 60 },
            { secret: TEST_ENV.JWT_SECRET },
          ),
      ],
      ['a token that is not a JWT', () => 'not.a.token'],
    ];
    it.each(refused)('refuses %s', async (_name, make) => {
      const response = await app.gql(SCHEDULE, schedule(), bearer(make()));
      expect(codeOf(response)).toBe('UNAUTHENTICATED');
    });

    it('refuses an Authorization header that is not a bearer token, even on a public query', async () => {
      const basic = { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` };
      expect(codeOf(await app.gql(SCHEDULE, schedule(), basic))).toBe('UNAUTHENTICATED');
      expect(codeOf(await app.gql('{ meetups { edges { cursor } } }', {}, basic))).toBe('UNAUTHENTICATED');
    });
  });

  describe('organisers run their own meetups', () => {
    let meetupId: string;
    beforeAll(async () => {
      const response = await app.gql(SCHEDULE, schedule(), organiser.headers);
      meetupId = response.data!.scheduleMeetup.id;
    });

    it('refuses scheduling by an attendee', async () => {
      expect(codeOf(await app.gql(SCHEDULE, schedule(), attendee.headers))).toBe('FORBIDDEN');
    });

    it("refuses another organiser's changes, and lets the organiser and an admin act", async () => {
      const input = { input: { meetupId } };
      expect(codeOf(await app.gql(PUBLISH, input, otherOrganiser.headers))).toBe('FORBIDDEN');
      expect(codeOf(await app.gql(PUBLISH, input, attendee.headers))).toBe('FORBIDDEN');
      expect((await app.gql(PUBLISH, input, organiser.headers)).errors).toBeUndefined();
      const cancel = { input: { meetupId, reason: 'Venue closed' } };
      expect(codeOf(await app.gql(CANCEL, cancel, otherOrganiser.headers))).toBe('FORBIDDEN');
      expect((await app.gql(CANCEL, cancel, admin.headers)).errors).toBeUndefined();
    });

    it('records who acted on every event, and the organiser as the meetup creator', async () => {
      const history = await app.gql(
        `query ($s: String!) { streamHistory(streamId: $s) { type data metadata } }`,
        { s: `meetup-${meetupId}` },
        admin.headers,
      );
      const events = history.data!.streamHistory;
      expect(events.map((e: { type: string }) => e.type)).toEqual([
        'MeetupScheduled',
        'MeetupPublished',
        'MeetupCancelled',
      ]);
      expect(events[0].data.organizerId).toBe(organiser.userId);
      expect(events.map((e: { metadata: { userId: string } }) => e.metadata.userId)).toEqual([
        organiser.userId,
        organiser.userId,
        admin.userId,
      ]);
    });

    it('shows the audit trail of a stream to its creator and admins only, and all events to admins only', async () => {
      const query = `query ($s: String!) { streamHistory(streamId: $s) { type } }`;
      const stream = { s: `meetup-${meetupId}` };
      expect((await app.gql(query, stream, organiser.headers)).errors).toBeUndefined();
      expect(codeOf(await app.gql(query, stream, otherOrganiser.headers))).toBe('FORBIDDEN');
      expect(codeOf(await app.gql(query, stream))).toBe('UNAUTHENTICATED');
      expect(
        (await app.gql(query, { s: `user-${attendee.userId}` }, attendee.headers)).errors,
      ).toBeUndefined();
      expect(codeOf(await app.gql(query, { s: `user-${attendee.userId}` }, organiser.headers))).toBe(
        'FORBIDDEN',
      );
      const all = `{ auditEvents(limit: 5) { type } }`;
      expect(codeOf(await app.gql(all, {}, organiser.headers))).toBe('FORBIDDEN');
      expect((await app.gql(all, {}, admin.headers)).errors).toBeUndefined();
    });
  });

  describe('users act on themselves; admins on anyone', () => {
    const CHANGE_PROFILE = `mutation ($input: ChangeProfileInput!) { changeProfile(input: $input) { id revision } }`;
    const FORGET = `mutation ($input: ForgetUserInput!) { forgetUser(input: $input) { id } }`;

    it("refuses changing or forgetting another user's account", async () => {
      const input = { userId: attendee.userId, displayName: 'Mallory' };
      expect(codeOf(await app.gql(CHANGE_PROFILE, { input }, organiser.headers))).toBe('FORBIDDEN');
      expect(codeOf(await app.gql(FORGET, { input: { userId: attendee.userId } }, organiser.headers))).toBe(
        'FORBIDDEN',
      );
      expect((await app.gql(CHANGE_PROFILE, { input }, admin.headers)).errors).toBeUndefined();
    });

    it('answers `me` with the user the token names, and only with a token', async () => {
      expect(codeOf(await app.gql('{ me { id } }'))).toBe('UNAUTHENTICATED');
      const me = await app.gql('{ me { id role } }', {}, attendee.headers);
      expect(me.data!.me).toEqual({ id: attendee.userId, role: 'ATTENDEE' });
    });

    it('cannot sign up as an admin', async () => {
      const response = await app.gql(
        `mutation { registerUser(input: { email: "${randomUUID()}@example.test", password: "long enough password", displayName: "X", role: ADMIN }) { id } }`,
      );
      expect(codeOf(response)).toBe('BAD_USER_INPUT');
    });
  });
});
