import { randomUUID } from 'node:crypto';
import { jsonEvent, START } from '@eventstore/db-client';
import { ABANDONED_AFTER_MS } from '../../src/identity/domain/email-reservation.decider';
import { EmailKeys } from '../../src/identity/email-address';
import { TEST_ENV, useTestApp } from '../support/app';
import { ADMIN_ENV, logIn, logInAsAdmin, PASSWORD, signUp } from '../support/identity';
import { inDays, SCHEDULE } from '../support/meetup-operations';
import { waitFor } from '../support/read';

const REGISTER = `mutation ($input: RegisterUserInput!) { registerUser(input: $input) { id position } }`;
const CHANGE_PROFILE = `mutation ($input: ChangeProfileInput!) { changeProfile(input: $input) { id } }`;
const FORGET = `mutation ($input: ForgetUserInput!) { forgetUser(input: $input) { id position } }`;
const HISTORY = `query ($s: String!) { streamHistory(streamId: $s) { type data } }`;

const codeOf = (response: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  response.errors?.[0]?.extensions?.code;
const freshEmail = () => `user-${randomUUID()}@example.test`;
const emailKeys = new EmailKeys(TEST_ENV.HASH_KEY);

describe('identity under attack', () => {
  const app = useTestApp(ADMIN_ENV);

  /** Every event type in the store, in order. */
  const eventTypes = async () => {
    const types: string[] = [];
    for await (const resolved of app.client.readAll({ fromPosition: START }))
      types.push(resolved.event!.type);
    return types;
  };

  it('refuses a sign-up under a command id used before, reserving nothing', async () => {
    const user = await signUp(app, 'ATTENDEE');
    const commandId = randomUUID();
    await app.gql(CHANGE_PROFILE, { input: { commandId, displayName: 'Renamed' } }, user.headers);
    const before = await eventTypes();
    const email = freshEmail();
    const input = { commandId, email, password: PASSWORD, displayName: 'Squatter', role: 'ATTENDEE' };
    expect(codeOf(await app.gql(REGISTER, { input }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await eventTypes()).toEqual(before);
    await expect(signUp(app, 'ATTENDEE', { email })).resolves.toMatchObject({ email });
  });

  it('gives the address of a sign-up that stopped after reserving it to the next one, after a while', async () => {
    const reserve = async (email: string, reservedAt: Date) => {
      const emailKey = emailKeys.keyOf(email);
      const data = { emailKey, userId: randomUUID(), reservedAt: reservedAt.toISOString() };
      await app.client.appendToStream(`useremail-${emailKey}`, jsonEvent({ type: 'EmailReserved', data }));
    };
    const abandoned = freshEmail();
    await reserve(abandoned, new Date(Date.now() - ABANDONED_AFTER_MS - 1000));
    await expect(signUp(app, 'ATTENDEE', { email: abandoned })).resolves.toMatchObject({ email: abandoned });

    const inFlight = freshEmail();
    await reserve(inFlight, new Date());
    const input = { email: inFlight, password: PASSWORD, displayName: 'Too soon', role: 'ATTENDEE' };
    expect(codeOf(await app.gql(REGISTER, { input }))).toBe('EMAIL_TAKEN');
  });

  it('answers a repeated sign-up with its first result, also once the user was forgotten', async () => {
    const input = {
      commandId: randomUUID(),
      email: freshEmail(),
      password: PASSWORD,
      displayName: 'Once',
      role: 'ATTENDEE',
    };
    const first = await app.gql(REGISTER, { input });
    const user = await logIn(app, input.email, PASSWORD, first.data!.registerUser.position);
    expect((await app.gql(FORGET, { input: {} }, user.headers)).errors).toBeUndefined();
    expect((await app.gql(REGISTER, { input })).data).toEqual(first.data);
  });

  it('refuses a forgetting under a command id used before, shredding nothing', async () => {
    const user = await signUp(app, 'ATTENDEE');
    const commandId = randomUUID();
    await app.gql(CHANGE_PROFILE, { input: { commandId, displayName: 'Renamed' } }, user.headers);
    expect(codeOf(await app.gql(FORGET, { input: { commandId } }, user.headers))).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    const me = await app.gql('{ me { id displayName } }', {}, user.headers);
    expect(me.data!.me.id).toBe(user.userId);
    expect((await app.gql(FORGET, { input: {} }, user.headers)).errors).toBeUndefined();
  });

  it('finishes a forgetting whose request stopped after UserForgotten', async () => {
    const email = freshEmail();
    const user = await signUp(app, 'ATTENDEE', { email });
    const emailKey = emailKeys.keyOf(email);
    // What the request had written before it stopped: the event alone.
    await app.client.appendToStream(
      `user-${user.userId}`,
      jsonEvent({ type: 'UserForgotten', data: { userId: user.userId, emailKey } }),
    );
    await waitFor(async () => codeOf(await app.gql('{ me { id } }', {}, user.headers)) === 'UNAUTHENTICATED');
    await waitFor(
      async () =>
        await signUp(app, 'ATTENDEE', { email }).then(
          () => true,
          () => false,
        ),
    );
  });

  it('never shows a password hash in the audit trail', async () => {
    const user = await signUp(app, 'ATTENDEE');
    const admin = await logInAsAdmin(app);
    for (const headers of [user.headers, admin.headers]) {
      const history = await app.gql(HISTORY, { s: `user-${user.userId}` }, headers);
      expect(history.data!.streamHistory[0].data.passwordHash).toBe('[redacted]');
    }
    const audit = await app.gql(
      '{ auditEvents(types: ["UserRegistered"], limit: 100) { data } }',
      {},
      admin.headers,
    );
    expect(JSON.stringify(audit.data)).not.toContain('argon2');
  });

  it('makes the admin again at boot once it was forgotten', async () => {
    const admin = await logInAsAdmin(app);
    expect((await app.gql(FORGET, { input: {} }, admin.headers)).errors).toBeUndefined();
    await app.restart();
    const again = await logInAsAdmin(app);
    expect(again.userId).not.toBe(admin.userId);
    expect(again.role).toBe('ADMIN');
  });

  it('refuses addresses with invisible characters, and takes a final sigma as the one it is', async () => {
    const lookAlikes = ['a\u200Bda', 'a\u00ADda', '\u202Eada', 'ada\u3164', 'a\u2800da', 'ada\uFFA0'];
    for (const email of lookAlikes.map((local) => `${local}@example.test`)) {
      const input = { email, password: PASSWORD, displayName: 'Look-alike', role: 'ATTENDEE' };
      expect(codeOf(await app.gql(REGISTER, { input }))).toBe('BAD_USER_INPUT');
    }
    const sigma = `${randomUUID().slice(0, 8)}`;
    await signUp(app, 'ATTENDEE', { email: `ΑΣ${sigma}Σ@example.test` });
    const input = {
      email: `ασ${sigma}σ@example.test`,
      password: PASSWORD,
      displayName: 'Σ',
      role: 'ATTENDEE',
    };
    expect(codeOf(await app.gql(REGISTER, { input }))).toBe('EMAIL_TAKEN');
  });

  it('takes names with emoji joiners, and refuses blank ones and control characters in public text', async () => {
    await expect(signUp(app, 'ORGANIZER', { displayName: 'Family 👨‍👩‍👧‍👦 ❤️' })).resolves.toBeDefined();
    const hidden = { email: freshEmail(), password: PASSWORD, displayName: 'Ada\u3164', role: 'ATTENDEE' };
    expect(codeOf(await app.gql(REGISTER, { input: hidden }))).toBe('BAD_USER_INPUT');
    for (const displayName of [' ', '\u3000', '\u2800', '\u3164']) {
      const input = { email: freshEmail(), password: PASSWORD, displayName, role: 'ATTENDEE' };
      expect(codeOf(await app.gql(REGISTER, { input }))).toBe('BAD_USER_INPUT');
    }
    const organiser = await signUp(app, 'ORGANIZER');
    for (const title of ['Bell\u0007 rings', 'Right\u202Eto left', 'Two\nlines', 'Night\u3164\u3164']) {
      const input = { title, city: 'Lisbon', startsAt: inDays(3), capacity: 5 };
      expect(codeOf(await app.gql(SCHEDULE, { input }, organiser.headers))).toBe('BAD_USER_INPUT');
    }
    const multiLine = {
      title: 'Fine',
      description: 'Two\nlines\tand a tab',
      city: 'Lisbon',
      startsAt: inDays(3),
      capacity: 5,
    };
    expect((await app.gql(SCHEDULE, { input: multiLine }, organiser.headers)).errors).toBeUndefined();
  });

  it('reads the bearer scheme in any case, and does not say whether another user exists', async () => {
    const user = await signUp(app, 'ATTENDEE');
    const me = await app.gql('{ me { id } }', {}, { authorization: `bearer ${user.token}` });
    expect(me.data!.me.id).toBe(user.userId);
    const input = { userId: randomUUID(), displayName: 'Probe' };
    expect(codeOf(await app.gql(CHANGE_PROFILE, { input }, user.headers))).toBe('FORBIDDEN');
    expect(codeOf(await app.gql(FORGET, { input: { userId: input.userId } }, user.headers))).toBe(
      'FORBIDDEN',
    );
  });
});

describe('identity: attempts are limited', () => {
  const app = useTestApp({ LOGIN_ATTEMPTS_PER_ADDRESS: '3', LOGIN_ATTEMPTS_PER_CLIENT: '1000' });
  const CHANGE_PASSWORD = `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { id } }`;

  it('limits password guesses through changePassword per user', async () => {
    const user = await signUp(app, 'ATTENDEE');
    const guess = (currentPassword: string) =>
      app.gql(
        CHANGE_PASSWORD,
        { input: { currentPassword, newPassword: 'a brand new password' } },
        user.headers,
      );
    for (let i = 0; i < 3; i++) expect(codeOf(await guess(`guess number ${i}`))).toBe('WRONG_PASSWORD');
    expect(codeOf(await guess(PASSWORD))).toBe('TOO_MANY_ATTEMPTS');
    await expect(logIn(app, user.email, PASSWORD)).resolves.toBeDefined();
  });

  it('limits sign-ups per address', async () => {
    const email = freshEmail();
    const input = { email, password: PASSWORD, displayName: 'Again', role: 'ATTENDEE' };
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push(codeOf(await app.gql(REGISTER, { input: { ...input, commandId: randomUUID() } })));
    expect(codes).toEqual([undefined, 'EMAIL_TAKEN', 'EMAIL_TAKEN', 'TOO_MANY_ATTEMPTS']);
  });
});

describe('identity: the client address behind a proxy', () => {
  const LOG_IN = `mutation ($input: LogInInput!) { logIn(input: $input) { token } }`;
  const attempt = (app: { gql: typeof direct.gql }, forwardedFor: string) =>
    app.gql(
      LOG_IN,
      { input: { email: freshEmail(), password: 'wrong password' } },
      { 'x-forwarded-for': forwardedFor },
    );
  const limits = { LOGIN_ATTEMPTS_PER_CLIENT: '2' };
  const direct = useTestApp(limits);
  const proxied = useTestApp({ ...limits, TRUST_PROXY: '1' });

  it('ignores X-Forwarded-For unless told to trust a proxy', async () => {
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push(codeOf(await attempt(direct, `203.0.113.${i}`)));
    expect(codes).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS']);
  });

  it('counts each client the proxy names apart, and only by what the proxy appended', async () => {
    for (let i = 0; i < 3; i++)
      expect(codeOf(await attempt(proxied, `203.0.113.${i}`))).toBe('INVALID_CREDENTIALS');
    expect(codeOf(await attempt(proxied, '203.0.113.1'))).toBe('INVALID_CREDENTIALS');
    expect(codeOf(await attempt(proxied, '203.0.113.1'))).toBe('TOO_MANY_ATTEMPTS');
    // What a client writes before the proxy's own entry changes nothing.
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push(codeOf(await attempt(proxied, `9.9.0.${i}, 198.51.100.7`)));
    expect(codes).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS']);
  });
});
