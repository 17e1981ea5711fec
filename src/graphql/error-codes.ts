/** `extensions.code` values that are not domain errors. */
export const ErrorCodes = {
  /** A value the schema's types refuse: a wrong type, a date that is not one, a string that is not Unicode. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** Over a depth, alias, directive, token or cost limit. */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** `operationName` names no operation of the document, or the document has several and none is named. */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /** Not a GraphQL request this server reads: no query, a body that is not JSON, a batch, no CSRF header. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** The body, or the query text in it, is over its size limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A mutation sent with GET. */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  STALE_READ: 'STALE_READ',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
