import { Decider } from '../../eventsourcing/deciders/decider';
import { UserCommand } from './user.commands';
import { userAlreadyExists, userForgotten, userNotFound, wrongPassword } from './user.errors';
import { UserEvent } from './user.events';
import { Actor, forbidden, isAdmin, Role } from './role';

export type UserState =
  | { status: 'NONE' }
  | {
      status: 'ACTIVE';
      userId: string;
      emailKey: string;
      role: Role;
      displayName: string | null;
      passwordHash: string | null;
    }
  | { status: 'FORGOTTEN'; userId: string; emailKey: string; role: Role };

/** A person may change themselves; an admin may change anyone. */
const mayChange = (actor: Actor, userId: string) => actor.userId === userId || isAdmin(actor);

export const userDecider: Decider<UserState, UserCommand, UserEvent> = {
  initialState: { status: 'NONE' },
  evolve(state, event) {
    switch (event.type) {
      case 'UserRegistered': {
        const { userId, emailKey, role, displayName, passwordHash } = event.data;
        return { status: 'ACTIVE', userId, emailKey, role, displayName, passwordHash };
      }
      case 'UserProfileChanged':
        return state.status === 'ACTIVE' ? { ...state, displayName: event.data.displayName } : state;
      case 'UserPasswordChanged':
        return state.status === 'ACTIVE' ? { ...state, passwordHash: event.data.passwordHash } : state;
      case 'UserForgotten':
        return state.status === 'NONE'
          ? state
          : { status: 'FORGOTTEN', userId: state.userId, emailKey: state.emailKey, role: state.role };
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },
  decide(command, state) {
    if (command.type === 'RegisterUser') {
      if (state.status !== 'NONE') throw userAlreadyExists(command.userId);
      const { userId, emailKey, email, displayName, role, passwordHash } = command;
      return [{ type: 'UserRegistered', data: { userId, emailKey, email, displayName, role, passwordHash } }];
    }
    // Refused before saying whether the user exists: that is no one else's business.
    if (!mayChange(command.actor, command.userId)) throw forbidden('change another user');
    if (state.status === 'NONE') throw userNotFound(command.userId);
    if (state.status === 'FORGOTTEN') {
      if (command.type === 'ForgetUser') return [];
      throw userForgotten(state.userId);
    }
    switch (command.type) {
      case 'ChangeProfile':
        return command.displayName === state.displayName
          ? []
          : [
              {
                type: 'UserProfileChanged',
                data: { userId: state.userId, displayName: command.displayName },
              },
            ];
      case 'ChangePassword':
        if (command.actor.userId !== state.userId) throw forbidden("change another user's password");
        if (!command.proof.passwordHash || command.proof.passwordHash !== state.passwordHash) {
          throw wrongPassword();
        }
        return [
          {
            type: 'UserPasswordChanged',
            data: { userId: state.userId, passwordHash: command.newPasswordHash },
          },
        ];
      case 'ForgetUser':
        return [{ type: 'UserForgotten', data: { userId: state.userId, emailKey: state.emailKey } }];
      default: {
        const unhandled: never = command;
        return unhandled;
      }
    }
  },
};
