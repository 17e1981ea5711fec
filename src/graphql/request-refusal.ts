import { GraphQLError, GraphQLErrorOptions } from 'graphql';
import { ErrorCode } from './error-codes';

/**
 * A request refused before anything runs, with every reason found. Each error carries its
 * `extensions.code`, set here where it is raised; `statusCode` is the HTTP status of the answer.
 */
export class RequestRefusal extends Error {
  constructor(
    readonly errors: readonly GraphQLError[],
    readonly statusCode = 400,
  ) {
    super(errors[0]?.message ?? 'Request refused');
  }

  static of(
    code: ErrorCode,
    message: string,
    statusCode = 400,
    options: GraphQLErrorOptions = {},
  ): RequestRefusal {
    return new RequestRefusal([codedError(code, message, options)], statusCode);
  }
}

export function codedError(
  code: ErrorCode,
  message: string,
  options: GraphQLErrorOptions = {},
): GraphQLError {
  return new GraphQLError(message, { ...options, extensions: { ...options.extensions, code } });
}

/** The same error with a code, unless it already has one (a scalar may have set it). */
export function withCode(error: GraphQLError, code: ErrorCode): GraphQLError {
  if (typeof error.extensions.code === 'string') return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}
