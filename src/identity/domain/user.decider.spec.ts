import { given } from '../../eventsourcing/testing/decider-specification';
import { ABANDONED_AFTER_MS, emailReservationDecider } from './email-reservation.decider';
import { Actor } from './role';
import { userDecider } from './user.decider';
import { UserEvent } from './user.events';

const userId = '7a1c2e3f-4b5d-4e6f-8a9b-0c1d2e3f4a5b';
const self: Actor = { userId, role: 'ATTENDEE' };
const stranger: Actor = { userId: '00000000-0000-4000-8000-000000000001', role: 'ORGANIZER' };
const admin: Actor = { userId: '00000000-0000-4000-8000-000000000002', role: 'ADMIN' };
const registered: UserEvent = {
  type: 'UserRegistered',
  data: {
    userId,
    emailKey: 'k1',
    email: 'ada@example.test',
    displayName: 'Ada',
    role: 'ATTENDEE',
    passwordHash: 'hash-1',
  },
};
const forgotten: UserEvent = { type: 'UserForgotten', data: { userId, emailKey: 'k1' } };

describe('user decider', () => {
  it('registers a user once', () => {
    const register = {
      type: 'RegisterUser' as const,
      userId,
      emailKey: 'k1',
      email: 'ada@example.test',
      displayName: 'Ada',
      role: 'ATTENDEE' as const,
      passwordHash: 'hash-1',
    };
    given(userDecider).when(register).then([registered]);
    given(userDecider, [registered]).when(register).thenFails('USER_ALREADY_EXISTS');
  });

  it('changes a profile for the user or an admin, and only when it differs', () => {
    const change = (actor: Actor, displayName = 'Ada L.') => ({
      type: 'ChangeProfile' as const,
      userId,
      displayName,
      actor,
    });
    const changed: UserEvent = { type: 'UserProfileChanged', data: { userId, displayName: 'Ada L.' } };
    given(userDecider, [registered]).when(change(self)).then([changed]);
    given(userDecider, [registered]).when(change(admin)).then([changed]);
    given(userDecider, [registered]).when(change(stranger)).thenFails('FORBIDDEN');
    given(userDecider, [registered]).when(change(self, 'Ada')).thenNothingHappened();
    given(userDecider).when(change(self)).thenFails('USER_NOT_FOUND');
  });

  it('changes a password only for its owner proving the current hash', () => {
    const change = (actor: Actor, passwordHash: string | null) => ({
      type: 'ChangePassword' as const,
      userId,
      newPasswordHash: 'hash-2',
      actor,
      proof: { passwordHash },
    });
    given(userDecider, [registered])
      .when(change(self, 'hash-1'))
      .then([{ type: 'UserPasswordChanged', data: { userId, passwordHash: 'hash-2' } }]);
    given(userDecider, [registered]).when(change(self, 'hash-0')).thenFails('WRONG_PASSWORD');
    given(userDecider, [registered]).when(change(self, null)).thenFails('WRONG_PASSWORD');
    given(userDecider, [registered]).when(change(admin, 'hash-1')).thenFails('FORBIDDEN');
  });

  it('forgets a user once, for themselves or an admin, and refuses changes afterwards', () => {
    given(userDecider, [registered]).when({ type: 'ForgetUser', userId, actor: self }).then([forgotten]);
    given(userDecider, [registered]).when({ type: 'ForgetUser', userId, actor: admin }).then([forgotten]);
    given(userDecider, [registered])
      .when({ type: 'ForgetUser', userId, actor: stranger })
      .thenFails('FORBIDDEN');
    given(userDecider, [registered, forgotten])
      .when({ type: 'ForgetUser', userId, actor: self })
      .thenNothingHappened();
    given(userDecider, [registered, forgotten])
      .when({ type: 'ChangeProfile', userId, displayName: 'Back', actor: admin })
      .thenFails('USER_FORGOTTEN');
  });
});

describe('email reservation decider', () => {
  const emailKey = 'k1';
  const other = '00000000-0000-4000-8000-000000000009';
  const now = new Date('2026-06-01T12:00:00Z');
  const reservedAt = now.toISOString();
  const reserve = (by: string, unregisteredHolder: string | null = null, at = now) => ({
    type: 'ReserveEmail' as const,
    emailKey,
    userId: by,
    now: at,
    proof: { unregisteredHolder },
  });
  const reserved = { type: 'EmailReserved' as const, data: { emailKey, userId, reservedAt } };
  const released = { type: 'EmailReleased' as const, data: { emailKey, userId } };

  it('gives an address to one user at a time, and again once released', () => {
    given(emailReservationDecider).when(reserve(userId)).then([reserved]);
    given(emailReservationDecider, [reserved]).when(reserve(userId)).thenNothingHappened();
    given(emailReservationDecider, [reserved]).when(reserve(other)).thenFails('EMAIL_TAKEN');
    given(emailReservationDecider, [reserved])
      .when({ type: 'ReleaseEmail', emailKey, userId: other })
      .thenNothingHappened();
    given(emailReservationDecider, [reserved])
      .when({ type: 'ReleaseEmail', emailKey, userId })
      .then([released]);
    given(emailReservationDecider, [reserved, released])
      .when(reserve(other))
      .then([{ type: 'EmailReserved', data: { emailKey, userId: other, reservedAt } }]);
  });

  it('lets a reservation whose registration never went on be taken over, once it is old enough', () => {
    const later = new Date(now.getTime() + ABANDONED_AFTER_MS);
    const takeover = {
      type: 'EmailReserved' as const,
      data: { emailKey, userId: other, reservedAt: later.toISOString() },
    };
    given(emailReservationDecider, [reserved])
      .when(reserve(other, userId, later))
      .then([takeover]);
    const tooSoon = new Date(later.getTime() - 1);
    given(emailReservationDecider, [reserved])
      .when(reserve(other, userId, tooSoon))
      .thenFails('EMAIL_TAKEN');
    // Only the holder the caller found unregistered: a registered one keeps the address for ever.
    given(emailReservationDecider, [reserved])
      .when(reserve(other, null, later))
      .thenFails('EMAIL_TAKEN');
    given(emailReservationDecider, [reserved])
      .when(reserve(other, other, later))
      .thenFails('EMAIL_TAKEN');
  });
});
