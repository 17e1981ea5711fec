/** `extensions.code` values that are not domain errors. */
export const ErrorCodes = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  STALE_READ: 'STALE_READ',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
