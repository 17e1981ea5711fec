import { CodedError } from './coded-error';

/** The stream kept changing under the command through every retry: not a rule, a race. */
export class ConcurrencyConflictError extends CodedError {
  constructor(streamId: string, attempts: number) {
    super('CONCURRENCY_CONFLICT', `The stream changed concurrently ${attempts} times; try again.`, {
      streamId,
    });
  }
}

/** The client decided on a revision that is no longer the current one. */
export class WrongExpectedRevisionError extends CodedError {
  constructor(expectedRevision: bigint, currentRevision: bigint) {
    super(
      'WRONG_EXPECTED_REVISION',
      `Expected revision ${expectedRevision}, but the current revision is ${currentRevision}.`,
      { expectedRevision: Number(expectedRevision), currentRevision: Number(currentRevision) },
    );
  }
}

/** A command id already named another command (another mutation, aggregate or input). */
export class IdempotencyKeyReusedError extends CodedError {
  constructor(commandId: string) {
    super('IDEMPOTENCY_KEY_REUSED', `Command id ${commandId} was already used for a different command.`, {
      commandId,
    });
  }
}
