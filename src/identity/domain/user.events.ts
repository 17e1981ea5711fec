import { DomainEvent } from '../../eventsourcing/deciders/decider';
import { EventSchema } from '../../eventsourcing/event-store/event-schema-registry';
import { Role } from './role';

/**
 * Personal fields (`email`, `displayName`, `passwordHash`) are stored encrypted with the person's
 * own key and read as `null` once the person is forgotten. `emailKey` is a keyed hash of the
 * normalised address: it names the address's reservation stream and reveals nothing by itself.
 */
export type UserRegistered = DomainEvent<
  'UserRegistered',
  {
    userId: string;
    emailKey: string;
    email: string | null;
    displayName: string | null;
    role: Role;
    passwordHash: string | null;
  }
>;
export type UserProfileChanged = DomainEvent<
  'UserProfileChanged',
  { userId: string; displayName: string | null }
>;
export type UserPasswordChanged = DomainEvent<
  'UserPasswordChanged',
  { userId: string; passwordHash: string | null }
>;
export type UserForgotten = DomainEvent<'UserForgotten', { userId: string; emailKey: string }>;

export type UserEvent = UserRegistered | UserProfileChanged | UserPasswordChanged | UserForgotten;

/** An address is held by one user at a time, in its own stream. */
export type EmailReserved = DomainEvent<
  'EmailReserved',
  { emailKey: string; userId: string; reservedAt: string }
>;
export type EmailReleased = DomainEvent<'EmailReleased', { emailKey: string; userId: string }>;
export type EmailReservationEvent = EmailReserved | EmailReleased;

export const userEventSchemas: EventSchema[] = [
  {
    type: 'UserRegistered',
    version: 1,
    personalData: { subject: 'userId', fields: ['email', 'displayName', 'passwordHash'] },
    confidential: ['passwordHash'],
  },
  { type: 'UserProfileChanged', version: 1, personalData: { subject: 'userId', fields: ['displayName'] } },
  {
    type: 'UserPasswordChanged',
    version: 1,
    personalData: { subject: 'userId', fields: ['passwordHash'] },
    confidential: ['passwordHash'],
  },
  { type: 'UserForgotten', version: 1 },
  { type: 'EmailReserved', version: 1 },
  { type: 'EmailReleased', version: 1 },
];
