import { CommandMessage } from '../../eventsourcing/deciders/command-message';
import { Actor, Role } from '../domain/role';
import { ChangeProfile } from '../domain/user.commands';

/** Sign-up as asked: the address is reserved and the password hashed by the handler. */
export class RegisterUserMessage extends CommandMessage<{
  email: string;
  password: string;
  displayName: string;
  role: Role;
}> {}

export class ChangePasswordMessage extends CommandMessage<{
  userId: string;
  currentPassword: string;
  newPassword: string;
  actor: Actor;
}> {}

export class ForgetUserMessage extends CommandMessage<{ userId: string; actor: Actor }> {}

/** User commands that need nothing but the user's stream. */
export class UserCommandMessage extends CommandMessage<ChangeProfile> {}
