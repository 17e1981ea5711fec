import { DomainError } from '../../eventsourcing/deciders/domain-error';

export const userNotFound = (userId: string) =>
  new DomainError('USER_NOT_FOUND', `User ${userId} does not exist.`, { userId });
export const userAlreadyExists = (userId: string) =>
  new DomainError('USER_ALREADY_EXISTS', `User ${userId} already exists.`, { userId });
export const userForgotten = (userId: string) =>
  new DomainError('USER_FORGOTTEN', `User ${userId} was forgotten.`, { userId });
/** The address names no one in particular: it does not say whose it is. */
export const emailTaken = () => new DomainError('EMAIL_TAKEN', 'This e-mail address is already registered.');
export const wrongPassword = () => new DomainError('WRONG_PASSWORD', 'The current password is not right.');
