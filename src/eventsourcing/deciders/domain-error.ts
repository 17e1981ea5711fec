/**
 * A rule the command broke. `code` is stable and reaches GraphQL clients as `extensions.code`;
 * nothing is appended when one is thrown.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The stream kept changing under the command through every retry. */
export class ConcurrencyConflictError extends DomainError {
  constructor(streamId: string, attempts: number) {
    super('CONCURRENCY_CONFLICT', `Stream ${streamId} changed concurrently ${attempts} times; try again.`, {
      streamId,
    });
  }
}
