import { CodedError } from './coded-error';

/** A business rule the command broke, raised by a decider. */
export class DomainError extends CodedError {}
