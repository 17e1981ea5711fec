import { Document } from 'bson';

/**
 * A command failure with MongoDB's code and code name, answered as `{ ok: 0, errmsg, code, codeName }`
 * plus any extra fields the real server adds for that error (`keyPattern`/`keyValue` for 11000).
 */
export class MongoError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly info: Document = {},
  ) {
    super(message);
  }
}

export const errors = {
  badValue: (message: string) => new MongoError(2, 'BadValue', message),
  noSuchKey: (message: string) => new MongoError(4, 'NoSuchKey', message),
  failedToParse: (message: string) => new MongoError(9, 'FailedToParse', message),
  typeMismatch: (message: string) => new MongoError(14, 'TypeMismatch', message),
  illegalOperation: (message: string) => new MongoError(20, 'IllegalOperation', message),
  namespaceNotFound: (message: string) => new MongoError(26, 'NamespaceNotFound', message),
  indexNotFound: (message: string) => new MongoError(27, 'IndexNotFound', message),
  cursorNotFound: (id: bigint) => new MongoError(43, 'CursorNotFound', `cursor id ${id} not found`),
  namespaceExists: (message: string) => new MongoError(48, 'NamespaceExists', message),
  commandNotFound: (name: string) => new MongoError(59, 'CommandNotFound', `no such command: '${name}'`),
  immutableField: (message: string) => new MongoError(66, 'ImmutableField', message),
  invalidNamespace: (message: string) => new MongoError(73, 'InvalidNamespace', message),
  indexOptionsConflict: (message: string) => new MongoError(85, 'IndexOptionsConflict', message),
  graphContainsCycle: (message: string) => new MongoError(93, 'GraphContainsCycle', message),
  viewDepthLimitExceeded: (message: string) => new MongoError(149, 'ViewDepthLimitExceeded', message),
  commandNotSupportedOnView: (message: string) => new MongoError(166, 'CommandNotSupportedOnView', message),
  /** What any command that needs a collection answers when the namespace is a view. */
  notACollection: (ns: string) =>
    new MongoError(166, 'CommandNotSupportedOnView', `Namespace ${ns} is a view, not a collection`),
  optionNotSupportedOnView: (message: string) => new MongoError(167, 'OptionNotSupportedOnView', message),
  unrecognizedStage: (stage: string) =>
    new MongoError(40324, 'Location40324', `Unrecognized pipeline stage name: '${stage}'`),
  duplicateKey: (message: string, keyPattern: Document, keyValue: Document) =>
    new MongoError(11000, 'DuplicateKey', message, { keyPattern, keyValue }),
  tooLarge: (message: string) => new MongoError(10334, 'BSONObjectTooLarge', message),
  invalidFieldName: (message: string) => new MongoError(2, 'BadValue', message),
  emptyFieldName: (message: string) => new MongoError(56, 'EmptyFieldName', message),
  dollarPrefixed: (message: string) => new MongoError(52, 'DollarPrefixedFieldName', message),
};
