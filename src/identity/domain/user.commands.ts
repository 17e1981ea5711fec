import { Actor, Role } from './role';

/** Registration as the decider sees it: the address already reserved, the password already hashed. */
export interface RegisterUser {
  type: 'RegisterUser';
  userId: string;
  emailKey: string;
  email: string;
  displayName: string;
  role: Role;
  passwordHash: string;
}
export interface ChangeProfile {
  type: 'ChangeProfile';
  userId: string;
  displayName: string;
  actor: Actor;
}
/** `proof.passwordHash` is the hash whose password the caller gave. */
export interface ChangePassword {
  type: 'ChangePassword';
  userId: string;
  newPasswordHash: string;
  actor: Actor;
  proof: { passwordHash: string | null };
}
export interface ForgetUser {
  type: 'ForgetUser';
  userId: string;
  actor: Actor;
}
export type UserCommand = RegisterUser | ChangeProfile | ChangePassword | ForgetUser;

/**
 * `proof.unregisteredHolder` is the holder the caller found with no user stream: a registration
 * that stopped after reserving. Its reservation may be taken over once it is old enough.
 */
export interface ReserveEmail {
  type: 'ReserveEmail';
  emailKey: string;
  userId: string;
  now: Date;
  proof: { unregisteredHolder: string | null };
}
export interface ReleaseEmail {
  type: 'ReleaseEmail';
  emailKey: string;
  userId: string;
}
export type EmailReservationCommand = ReserveEmail | ReleaseEmail;
