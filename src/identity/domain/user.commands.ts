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

export interface ReserveEmail {
  type: 'ReserveEmail';
  emailKey: string;
  userId: string;
}
export interface ReleaseEmail {
  type: 'ReleaseEmail';
  emailKey: string;
  userId: string;
}
export type EmailReservationCommand = ReserveEmail | ReleaseEmail;
