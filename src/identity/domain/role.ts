import { DomainError } from '../../eventsourcing/deciders/domain-error';

/** What a person may do: attendees order tickets, organisers run meetups, admins do anything. */
export const ROLES = ['ATTENDEE', 'ORGANIZER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated person a command is decided for. */
export interface Actor {
  userId: string;
  role: Role;
}

export const isAdmin = (actor: Actor): boolean => actor.role === 'ADMIN';

/** The actor may not do what they asked: `what` completes "You may not …". */
export const forbidden = (what: string) => new DomainError('FORBIDDEN', `You may not ${what}.`);
