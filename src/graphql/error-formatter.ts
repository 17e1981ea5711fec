import { Logger } from '@nestjs/common';
import { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import { ErrorCode, ErrorCodes } from './error-codes';
import { codedError, RequestRefusal, withCode } from './request-refusal';

/**
 * Errors Fastify and Mercurius raise before a request reaches GraphQL, by their own `code`
 * property: malformed HTTP requests, too large a body, a mutation over GET.
 */
const HTTP_ERROR_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCodes.PAYLOAD_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCodes.BAD_REQUEST,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ErrorCodes.BAD_REQUEST,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCodes.BAD_REQUEST,
  FST_ERR_CTP_INVALID_JSON_BODY: ErrorCodes.BAD_REQUEST,
  FST_ERR_VALIDATION: ErrorCodes.BAD_REQUEST,
  MER_ERR_GQL_CSRF_PREVENTION: ErrorCodes.BAD_REQUEST,
  MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND: ErrorCodes.BAD_REQUEST,
  MER_ERR_METHOD_NOT_ALLOWED: ErrorCodes.METHOD_NOT_ALLOWED,
  // The client went away in the middle of its request body: nothing to answer, nothing to log.
  ECONNRESET: ErrorCodes.BAD_REQUEST,
  // Mercurius's wrapper of parse, validation and variable errors; the request checks refuse
  // those first, with their own codes, so this only names what might slip past them.
  MER_ERR_GQL_VALIDATION: ErrorCodes.GRAPHQL_VALIDATION_FAILED,
};

interface HttpError {
  code?: unknown;
  statusCode?: unknown;
  errors?: unknown;
}

const httpCodeOf = (error: unknown): ErrorCode | undefined => {
  const code = (error as HttpError | undefined)?.code;
  return typeof code === 'string' && Object.hasOwn(HTTP_ERROR_CODES, code)
    ? HTTP_ERROR_CODES[code]
    : undefined;
};

const statusOf = (error: unknown): number | undefined => {
  const status = (error as HttpError | undefined)?.statusCode;
  return typeof status === 'number' && status >= 400 ? status : undefined;
};

/** The errors one reported error stands for, and the HTTP status its origin asks for. */
function expand(error: GraphQLError): { errors: GraphQLError[]; statusCode?: number } {
  const origin = error.originalError;
  if (origin instanceof RequestRefusal) return { errors: [...origin.errors], statusCode: origin.statusCode };
  const code = httpCodeOf(origin);
  if (!code) return { errors: [error] };
  const inner = (origin as HttpError).errors;
  const errors = Array.isArray(inner)
    ? inner.map((item: unknown) =>
        item instanceof GraphQLError
          ? withCode(item, code)
          : codedError(httpCodeOf(item) ?? code, item instanceof Error ? item.message : String(item)),
      )
    : [withCode(error, code)];
  return { errors, statusCode: statusOf(origin) ?? 400 };
}

/**
 * Mercurius's error formatter: every error leaves with an `extensions.code`. Codes are set where
 * errors are raised (request checks, validation rules, scalars, the exception filter) or read from
 * Fastify's and Mercurius's own error codes; an error with neither is unexpected, so it is logged
 * and answered as INTERNAL_SERVER_ERROR without its message.
 */
export function createErrorFormatter() {
  const logger = new Logger('GraphQL');
  return (execution: ExecutionResult & { errors: readonly GraphQLError[] }) => {
    let statusCode: number | undefined;
    const errors: GraphQLFormattedError[] = [];
    for (const reported of execution.errors) {
      const expanded = expand(reported);
      statusCode ??= expanded.statusCode;
      for (const error of expanded.errors) {
        let formatted = error.toJSON();
        if (typeof error.extensions.code !== 'string') {
          logger.error(error.originalError?.stack ?? error.stack ?? error.message);
          // Outside execution (no path) nothing was answered: the server failed.
          if (!error.path) statusCode ??= 500;
          formatted = {
            message: 'Internal server error',
            ...(formatted.locations ? { locations: formatted.locations } : {}),
            ...(formatted.path ? { path: formatted.path } : {}),
            extensions: { code: ErrorCodes.INTERNAL_SERVER_ERROR },
          };
        }
        errors.push(formatted);
      }
    }
    return {
      statusCode: statusCode ?? 200,
      response: { data: execution.data ?? null, errors },
    };
  };
}
