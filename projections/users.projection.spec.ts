import { projectionSpecification } from '../src/eventsourcing/testing/projection-specification';
import { recordedEvents } from '../src/eventsourcing/testing/recorded-events';
import type { UserEvent } from '../src/identity/domain/user.events';
import { usersProjection } from './users.projection';

const userId = '3c9e1f2a-8b7d-4c6e-9f0a-1b2c3d4e5f60';
const streamId = `user-${userId}`;
const registered: UserEvent = {
  type: 'UserRegistered',
  data: {
    userId,
    emailKey: 'key-1',
    email: 'ada@example.test',
    displayName: 'Ada',
    role: 'ORGANIZER',
    passwordHash: 'hash-1',
  },
};
const renamed: UserEvent = { type: 'UserProfileChanged', data: { userId, displayName: 'Ada L.' } };
const newPassword: UserEvent = { type: 'UserPasswordChanged', data: { userId, passwordHash: 'hash-2' } };
const forgotten: UserEvent = { type: 'UserForgotten', data: { userId, emailKey: 'key-1' } };

describe('users projection', () => {
  let spec: Awaited<ReturnType<typeof projectionSpecification>>;
  beforeAll(async () => {
    spec = await projectionSpecification(usersProjection);
  });
  afterAll(() => spec.close());

  it('keeps the profile and the log-in look-up of a user up to date', async () => {
    const events = recordedEvents(streamId, [registered, renamed, newPassword]);
    await spec.given(...events).then([
      {
        _id: userId,
        emailKey: 'key-1',
        email: 'ada@example.test',
        displayName: 'Ada L.',
        role: 'ORGANIZER',
        passwordHash: 'hash-2',
        registeredAt: new Date(events[0].metadata.occurredAt),
        revision: 2,
      },
    ]);
  });

  it('leaves only a tombstone of a forgotten user, which no late or erased event brings back', async () => {
    const erased: UserEvent = {
      type: 'UserRegistered',
      data: { ...registered.data, email: null, displayName: null, passwordHash: null },
    } as UserEvent;
    const tombstone = { _id: userId, forgotten: true, revision: 2 };
    await spec.given(...recordedEvents(streamId, [registered, renamed, forgotten])).then([tombstone]);
    await spec.given(...recordedEvents(streamId, [erased, forgotten])).then([{ ...tombstone, revision: 1 }]);
  });

  it('ignores a change to a user it never saw registered', async () => {
    await spec.given(...recordedEvents(streamId, [renamed], 1)).then([]);
  });
});
