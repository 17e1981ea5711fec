/**
 * An error a client can act on: `code` is stable and reaches GraphQL clients as
 * `extensions.code`, with `details` beside it. Nothing is appended when one is thrown.
 */
export class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
