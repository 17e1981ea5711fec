import { MongoServerError } from 'mongodb';

/** MongoDB's code for a write that met an existing `_id` or unique index entry. */
export const DUPLICATE_KEY = 11000;

/** The write lost a race to insert the same key: for writes where that means "done already". */
export const isDuplicateKey = (error: unknown): boolean =>
  error instanceof MongoServerError && error.code === DUPLICATE_KEY;
