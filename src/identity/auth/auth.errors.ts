import { CodedError } from '../../eventsourcing/deciders/coded-error';

export const unauthenticated = (reason: string) =>
  new CodedError(
    'UNAUTHENTICATED',
    `${reason} Log in and send the token as 'Authorization: Bearer <token>'.`,
  );
export const forbiddenOperation = () => new CodedError('FORBIDDEN', 'Only an admin may do this.');
/** One message for an unknown address and a wrong password, so neither can be told apart. */
export const invalidCredentials = () =>
  new CodedError('INVALID_CREDENTIALS', 'Wrong e-mail address or password.');
export const tooManyAttempts = (retryAfterSeconds: number) =>
  new CodedError('TOO_MANY_ATTEMPTS', `Too many log-in attempts; try again in ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  });
