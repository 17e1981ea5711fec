import type { ProjectionDefinition } from '../src/eventsourcing/projections/projection-definition';
import type { Role } from '../src/identity/domain/role';
import type { UserEvent } from '../src/identity/domain/user.events';

/**
 * Users: the profile by id, and the log-in look-up by the keyed hash of the address. A forgotten
 * user leaves only a tombstone (so that no late or replayed event can bring them back), and since
 * their personal data reads as null from then on, a rebuild does not either.
 */
export type UserDocument = ActiveUserDocument | ForgottenUserDocument;

export interface ForgottenUserDocument {
  _id: string;
  _position?: string;
  forgotten: true;
  revision: number;
}

export interface ActiveUserDocument {
  /** The user id. */
  _id: string;
  _position?: string;
  emailKey: string;
  email: string | null;
  displayName: string | null;
  role: Role;
  passwordHash: string | null;
  registeredAt: Date;
  /** Revision of the user's stream after the last applied event. */
  revision: number;
  forgotten?: undefined;
}

/** The query that finds active users only. */
export const ACTIVE = { forgotten: { $exists: false } } as const;

export const usersProjection: ProjectionDefinition<UserDocument, UserEvent> = {
  name: 'users',
  version: 1,
  collection: 'users',
  indexes: [{ key: { emailKey: 1 }, name: 'by_email_key' }],
  handles: ['UserRegistered', 'UserProfileChanged', 'UserPasswordChanged', 'UserForgotten'],
  documentId: (event) => event.data.userId,
  apply(document, event) {
    const revision = Number(event.revision);
    if (event.type === 'UserRegistered') {
      const { userId, emailKey, email, displayName, role, passwordHash } = event.data;
      return {
        _id: userId,
        emailKey,
        email,
        displayName,
        role,
        passwordHash,
        registeredAt: new Date(event.metadata.occurredAt),
        revision,
      };
    }
    if (event.type === 'UserForgotten') return { _id: event.data.userId, forgotten: true, revision };
    if (!document || document.forgotten) return 'unchanged';
    switch (event.type) {
      case 'UserProfileChanged':
        return { ...document, displayName: event.data.displayName, revision };
      case 'UserPasswordChanged':
        return { ...document, passwordHash: event.data.passwordHash, revision };
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },
};
