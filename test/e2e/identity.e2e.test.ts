import { randomUUID } from 'node:crypto';
import { START } from '@eventstore/db-client';
import { useTestApp } from '../support/app';
import { logIn, PASSWORD, signUp } from '../support/identity';
import { inDays, SCHEDULE } from '../support/meetup-operations';

const REGISTER = `mutation ($input: RegisterUserInput!) { registerUser(input: $input) { id revision position } }`;
const LOG_IN = `mutation ($input: LogInInput!) { logIn(input: $input) { token expiresAt user { id email displayName role } } }`;
const CHANGE_PROFILE = `mutation ($input: ChangeProfileInput!) { changeProfile(input: $input) { id revision position } }`;
const CHANGE_PASSWORD = `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { id revision position } }`;

const codeOf = (response: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  response.errors?.[0]?.extensions?.code;
const freshEmail = () => `user-${randomUUID()}@example.test`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('identity: sign-up, log-in and the profile', () => {
  const app = useTestApp();

  it('signs up, logs in and schedules a meetup as its organiser', async () => {
    const organiser = await signUp(app, 'ORGANIZER', { displayName: 'Ada' });
    const me = await app.gql('{ me { id email displayName role } }', {}, organiser.headers);
    expect(me.data!.me).toEqual({
      id: organiser.userId,
      email: organiser.email,
      displayName: 'Ada',
      role: 'ORGANIZER',
    });
    const scheduled = await app.gql(
      SCHEDULE,
      { input: { title: 'Event sourcing', city: 'Lisbon', startsAt: inDays(10), capacity: 20 } },
      organiser.headers,
    );
    expect(scheduled.errors).toBeUndefined();
  });

  it('issues a session that expires, with the user it names', async () => {
    const email = freshEmail();
    const registered = await app.gql(REGISTER, {
      input: { email, password: PASSWORD, displayName: 'Grace', role: 'ATTENDEE' },
    });
    const session = await app.gql(LOG_IN, {
      input: { email, password: PASSWORD, consistentWith: registered.data!.registerUser.position },
    });
    const { expiresAt, user } = session.data!.logIn;
    expect(user).toEqual({
      id: registered.data!.registerUser.id,
      email,
      displayName: 'Grace',
      role: 'ATTENDEE',
    });
    const ttl = Date.parse(expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(3500_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);
  });

  it('refuses a second registration of an address in any letter case or Unicode form', async () => {
    const user = await signUp(app, 'ATTENDEE', { email: 'Zoe.Example@Example.test' });
    for (const variant of [
      'zoe.example@example.test',
      '  ZOE.EXAMPLE@EXAMPLE.TEST ',
      'ｚｏｅ.example@example.test',
    ]) {
      const response = await app.gql(REGISTER, {
        input: { email: variant, password: PASSWORD, displayName: 'Copy', role: 'ATTENDEE' },
      });
      expect(codeOf(response)).toBe('EMAIL_TAKEN');
    }
    // Logging in works with any spelling of the address.
    expect((await logIn(app, 'ZOE.example@example.TEST', PASSWORD)).userId).toBe(user.userId);
  });

  it('lets exactly one of 10 concurrent registrations of one address win', async () => {
    const email = freshEmail();
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        app.gql(REGISTER, {
          input: {
            email: i % 2 ? email.toUpperCase() : email,
            password: PASSWORD,
            displayName: `Racer ${i}`,
            role: 'ATTENDEE',
          },
        }),
      ),
    );
    const winners = responses.filter((r) => !r.errors);
    expect(winners).toHaveLength(1);
    expect(responses.filter((r) => codeOf(r) === 'EMAIL_TAKEN')).toHaveLength(9);
    // The store holds one registration of the address, by the winner.
    const registered: string[] = [];
    for await (const resolved of app.client.readAll({ fromPosition: START })) {
      const event = resolved.event!;
      if (event.type === 'EmailReserved') registered.push((event.data as { userId: string }).userId);
    }
    expect(registered.filter((id) => id === winners[0].data!.registerUser.id)).toHaveLength(1);
    const racers = new Set(responses.flatMap((r) => (r.errors ? [] : [r.data!.registerUser.id])));
    expect(racers.size).toBe(1);
  });

  it('answers a repeated registration with its first result, and refuses its id for another one', async () => {
    const commandId = randomUUID();
    const input = {
      commandId,
      email: freshEmail(),
      password: PASSWORD,
      displayName: 'Once',
      role: 'ATTENDEE',
    };
    const first = await app.gql(REGISTER, { input });
    const again = await app.gql(REGISTER, { input: { ...input, commandId: commandId.toUpperCase() } });
    expect(again.data).toEqual(first.data);
    const other = await app.gql(REGISTER, { input: { ...input, displayName: 'Twice' } });
    expect(codeOf(other)).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherAddress = await app.gql(REGISTER, { input: { ...input, email: freshEmail() } });
    expect(codeOf(otherAddress)).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses bad sign-up input with the field at fault, and appends nothing', async () => {
    const cases = [
      { email: 'not an address', password: PASSWORD, displayName: 'X', role: 'ATTENDEE' },
      { email: freshEmail(), password: 'short', displayName: 'X', role: 'ATTENDEE' },
      { email: freshEmail(), password: PASSWORD, displayName: 'bell\u0007', role: 'ATTENDEE' },
      { email: freshEmail(), password: PASSWORD, displayName: '', role: 'ATTENDEE' },
    ];
    for (const input of cases) {
      const response = await app.gql(REGISTER, { input });
      expect(codeOf(response)).toBe('BAD_USER_INPUT');
    }
  });

  it('gives one error for a wrong password and an unknown address, taking as long', async () => {
    const user = await signUp(app, 'ATTENDEE');
    const wrong = { input: { email: user.email, password: 'not the password at all' } };
    const unknown = { input: { email: freshEmail(), password: 'not the password at all' } };
    const times: Record<'wrong' | 'unknown', number[]> = { wrong: [], unknown: [] };
    const messages = new Set<string>();
    for (let i = 0; i < 7; i++) {
      for (const [name, variables] of [
        ['wrong', wrong],
        ['unknown', unknown],
      ] as const) {
        const started = performance.now();
        const response = await app.gql(LOG_IN, variables);
        times[name].push(performance.now() - started);
        expect(codeOf(response)).toBe('INVALID_CREDENTIALS');
        messages.add(response.errors![0].message);
      }
    }
    expect(messages.size).toBe(1);
    const ratio = median(times.unknown) / median(times.wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('changes the display name, and only when it differs', async () => {
    const user = await signUp(app, 'ATTENDEE', { displayName: 'Before' });
    const changed = await app.gql(CHANGE_PROFILE, { input: { displayName: 'After' } }, user.headers);
    expect(changed.data!.changeProfile).toMatchObject({ id: user.userId, revision: 1 });
    const same = await app.gql(CHANGE_PROFILE, { input: { displayName: 'After' } }, user.headers);
    expect(same.data!.changeProfile.revision).toBe(1);
    const me = await app.gql(
      'query ($c: String) { me(consistentWith: $c) { displayName } }',
      { c: changed.data!.changeProfile.position },
      user.headers,
    );
    expect(me.data!.me.displayName).toBe('After');
  });

  it('changes the password only with the current one, and a repeat answers the same', async () => {
    const user = await signUp(app, 'ATTENDEE');
    const wrong = await app.gql(
      CHANGE_PASSWORD,
      { input: { currentPassword: 'a wrong password', newPassword: 'a brand new password' } },
      user.headers,
    );
    expect(codeOf(wrong)).toBe('WRONG_PASSWORD');
    const input = { commandId: randomUUID(), currentPassword: PASSWORD, newPassword: 'a brand new password' };
    const changed = await app.gql(CHANGE_PASSWORD, { input }, user.headers);
    expect(changed.errors).toBeUndefined();
    expect((await app.gql(CHANGE_PASSWORD, { input }, user.headers)).data).toEqual(changed.data);
    const position = changed.data!.changePassword.position;
    await expect(logIn(app, user.email, 'a brand new password', position)).resolves.toMatchObject({
      userId: user.userId,
    });
    const old = await app.gql(LOG_IN, { input: { email: user.email, password: PASSWORD } });
    expect(codeOf(old)).toBe('INVALID_CREDENTIALS');
  });

  it('keeps passwords out of the store and addresses and names in ciphertext only', async () => {
    const email = freshEmail();
    const user = await signUp(app, 'ORGANIZER', { email, displayName: 'Unmistakable Name' });
    await app.gql(CHANGE_PROFILE, { input: { displayName: 'Another Unmistakable Name' } }, user.headers);
    for await (const resolved of app.client.readAll({ fromPosition: START })) {
      const event = resolved.event!;
      const bytes = `${event.streamId} ${JSON.stringify(event.data)} ${JSON.stringify(event.metadata)}`;
      expect(bytes).not.toContain(email);
      expect(bytes).not.toContain('Unmistakable');
      expect(bytes).not.toContain(PASSWORD);
    }
  });
});

describe('identity: log-in attempts are limited', () => {
  const app = useTestApp({ LOGIN_ATTEMPTS_PER_ADDRESS: '3', LOGIN_ATTEMPTS_PER_CLIENT: '8' });

  it('blocks an address after its limit, even with the right password, and not other addresses', async () => {
    const user = await signUp(app, 'ATTENDEE');
    for (let i = 0; i < 2; i++) {
      const response = await app.gql(LOG_IN, { input: { email: user.email, password: 'wrong password' } });
      expect(codeOf(response)).toBe('INVALID_CREDENTIALS');
    }
    const blocked = await app.gql(LOG_IN, { input: { email: user.email, password: PASSWORD } });
    expect(codeOf(blocked)).toBe('TOO_MANY_ATTEMPTS');
    expect(blocked.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
    const other = await signUp(app, 'ATTENDEE');
    expect(other.token).toBeTruthy();
  });

  it('blocks a client after its limit, whatever the address', async () => {
    let code: unknown;
    for (let i = 0; i < 10 && code !== 'TOO_MANY_ATTEMPTS'; i++) {
      code = codeOf(await app.gql(LOG_IN, { input: { email: freshEmail(), password: 'wrong password' } }));
    }
    expect(code).toBe('TOO_MANY_ATTEMPTS');
  });
});
