import { BSON, Document } from 'bson';
import { Aggregator, update as applyOperators } from 'mingo';
import { CommandContext, CommandHandler, nsOf } from '../command-context';
import { Collection } from '../collection';
import { errors, MongoError } from '../errors';
import { MAX_BSON_OBJECT_SIZE } from '../wire-protocol';
import { project } from './query';

interface WriteError {
  index: number;
  code: number;
  codeName: string;
  errmsg: string;
  [extra: string]: unknown;
}

const clone = (doc: Document): Document => BSON.deserialize(BSON.serialize(doc), { promoteLongs: true });

/** Rejects what MongoDB rejects in stored documents: oversize documents and `$`-prefixed top-level names. */
function validateDocument(doc: Document): void {
  if (BSON.calculateObjectSize(doc) > MAX_BSON_OBJECT_SIZE) {
    throw errors.tooLarge(
      `object to insert too large. size in bytes: ${BSON.calculateObjectSize(doc)}, max size: ${MAX_BSON_OBJECT_SIZE}`,
    );
  }
  for (const key of Object.keys(doc)) {
    if (key.startsWith('$'))
      throw errors.dollarPrefixed(`Document can't have $ prefixed field names: ${key}`);
  }
}

function toWriteError(index: number, error: unknown): WriteError {
  if (error instanceof MongoError)
    return { index, code: error.code, codeName: error.codeName, errmsg: error.message, ...error.info };
  return {
    index,
    code: 2,
    codeName: 'BadValue',
    errmsg: error instanceof Error ? error.message : String(error),
  };
}

/** Runs each statement; ordered writes stop at the first error, unordered ones carry on. */
function eachStatement<T>(
  statements: T[],
  ordered: boolean,
  run: (statement: T, index: number) => void,
): WriteError[] {
  const writeErrors: WriteError[] = [];
  for (let i = 0; i < statements.length; i++) {
    try {
      run(statements[i], i);
    } catch (error) {
      writeErrors.push(toWriteError(i, error));
      if (ordered) break;
    }
  }
  return writeErrors;
}

const withErrors = (reply: Document, writeErrors: WriteError[]): Document =>
  writeErrors.length > 0 ? { ...reply, writeErrors } : reply;

const insert: CommandHandler = (command, context) => {
  const documents = command.documents as Document[];
  if (!Array.isArray(documents)) throw errors.typeMismatch("'documents' must be an array");
  const ns = nsOf(context, command.insert);
  const collection = context.databases.view(ns) ? undefined : context.databases.obtain(ns, context.changes);
  let n = 0;
  const writeErrors = eachStatement(documents, command.ordered !== false, (doc) => {
    if (!collection) throw errors.notACollection(ns);
    validateDocument(doc);
    collection.insert(doc, context.changes);
    n++;
  });
  return withErrors({ n, ok: 1 }, writeErrors);
};

const isOperatorUpdate = (update: Document): boolean => Object.keys(update).some((k) => k.startsWith('$'));

/** The next version of a document under an update: operators, a replacement, or a pipeline. */
function updated(
  current: Document,
  update: Document | Document[],
  arrayFilters?: Document[],
  inserting = false,
): Document {
  if (Array.isArray(update)) {
    const [next] = new Aggregator(update).run([clone(current)]) as Document[];
    return { ...next, _id: current._id };
  }
  if (!isOperatorUpdate(update)) {
    validateDocument(update);
    return current._id === undefined ? { ...update } : { _id: current._id, ...update };
  }
  const { $setOnInsert, ...operators } = update;
  const next = clone(current);
  if (Object.keys(operators).length > 0 && !setScalarFields(next, operators, arrayFilters)) {
    applyOperators(next, operators, arrayFilters, undefined, { cloneMode: 'none' });
  }
  if (inserting && $setOnInsert)
    applyOperators(next, { $set: $setOnInsert as Document }, undefined, undefined, { cloneMode: 'none' });
  return next;
}

/**
 * Applies `{ $set: { field: value, ... } }` of top-level fields other than `_id` to scalar values
 * (strings, numbers, booleans, null, dates) as mingo's `update` does: a field whose value is equal
 * (by mingo's `isEqual`, which for such values is `sameScalar`) is left as it is, the others are
 * assigned, in order. It spares the context mingo builds for every call, which costs far more than
 * such an update (a checkpoint's, a lease's). False, changing nothing, for any other update.
 */
function setScalarFields(doc: Document, operators: Document, arrayFilters?: Document[]): boolean {
  const names = Object.keys(operators);
  if (names.length !== 1 || names[0] !== '$set' || (arrayFilters && arrayFilters.length > 0)) return false;
  const fields: unknown = operators.$set;
  if (typeof fields !== 'object' || fields === null || Object.getPrototypeOf(fields) !== Object.prototype)
    return false;
  const entries = Object.entries(fields as Document);
  if (entries.length === 0) return false;
  if (!entries.every(([field, value]) => isPlainTopLevelField(field) && isScalar(value))) return false;
  for (const [field, value] of entries) if (!sameScalar(doc[field], value)) doc[field] = value;
  return true;
}

/** A field name mingo's `$set` takes as it is: no path, no operator, not `_id`, nothing an object inherits. */
const isPlainTopLevelField = (field: string): boolean =>
  field.length > 0 &&
  !field.includes('.') &&
  !field.includes('$') &&
  field !== '_id' &&
  field !== '__proto__' &&
  !(field in Object.prototype);

const isScalar = (value: unknown): boolean =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'number' ||
  typeof value === 'boolean' ||
  value instanceof Date;

/** mingo's `isEqual(current, value)` when `value` is a scalar. */
const sameScalar = (current: unknown, value: unknown): boolean =>
  current === value ||
  Object.is(current, value) ||
  (current instanceof Date &&
    value instanceof Date &&
    current.constructor === value.constructor &&
    +current === +value);

/** The document an upsert starts from: the equality fields of its filter. */
function upsertBase(filter: Document): Document {
  const base: Document = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) continue;
    const isOperator =
      typeof value === 'object' && value !== null && Object.keys(value).some((k) => k.startsWith('$'));
    if (!isOperator) base[key] = value;
    else if ('$eq' in value) base[key] = value.$eq;
  }
  return base;
}

interface UpdateOutcome {
  matched: number;
  modified: number;
  upsertedId?: unknown;
  before?: Document;
  after?: Document;
}

function updateDocuments(
  collection: Collection,
  context: CommandContext,
  spec: {
    q: Document;
    u: Document | Document[];
    multi?: boolean;
    upsert?: boolean;
    arrayFilters?: Document[];
    sort?: Document;
  },
): UpdateOutcome {
  if (spec.multi && !Array.isArray(spec.u) && !isOperatorUpdate(spec.u)) {
    throw errors.failedToParse('multi update is not supported for replacement-style update');
  }
  const matches = collection.find(spec.q ?? {}, { sort: spec.sort, limit: spec.multi ? undefined : 1 });
  if (matches.length === 0) {
    if (!spec.upsert) return { matched: 0, modified: 0 };
    const doc = updated(upsertBase(spec.q ?? {}), spec.u, spec.arrayFilters, true);
    validateDocument(doc);
    const inserted = collection.insert(doc, context.changes);
    return { matched: 0, modified: 0, upsertedId: inserted._id, after: inserted };
  }
  let modified = 0;
  let before: Document | undefined;
  let after: Document | undefined;
  for (const current of matches) {
    const next = updated(current, spec.u, spec.arrayFilters);
    validateDocument(next);
    before ??= current;
    after ??= next;
    if (Buffer.from(BSON.serialize(next)).equals(BSON.serialize(current))) continue;
    collection.replace(current, next, context.changes);
    modified++;
  }
  return { matched: matches.length, modified, before, after };
}

const update: CommandHandler = (command, context) => {
  const updates = command.updates as Document[];
  if (!Array.isArray(updates)) throw errors.typeMismatch("'updates' must be an array");
  const ns = nsOf(context, command.update);
  const collection = context.databases.view(ns) ? undefined : context.databases.obtain(ns, context.changes);
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors = eachStatement(updates, command.ordered !== false, (spec, index) => {
    if (!collection) throw errors.notACollection(ns);
    const outcome = updateDocuments(collection, context, spec as never);
    n += outcome.matched;
    nModified += outcome.modified;
    if (outcome.upsertedId !== undefined) {
      n++;
      upserted.push({ index, _id: outcome.upsertedId });
    }
  });
  return withErrors({ n, nModified, ...(upserted.length ? { upserted } : {}), ok: 1 }, writeErrors);
};

const remove: CommandHandler = (command, context) => {
  const deletes = command.deletes as Document[];
  if (!Array.isArray(deletes)) throw errors.typeMismatch("'deletes' must be an array");
  const ns = nsOf(context, command.delete);
  const collection = context.databases.get(ns);
  const onView = context.databases.view(ns) !== undefined;
  let n = 0;
  const writeErrors = eachStatement(deletes, command.ordered !== false, (spec) => {
    if (onView) throw errors.notACollection(ns);
    if (!collection) return;
    const limit = Number(spec.limit ?? 0);
    if (limit !== 0 && limit !== 1)
      throw errors.failedToParse('The limit field in delete objects must be 0 or 1');
    for (const doc of collection.find(spec.q ?? {}, { limit: limit || undefined })) {
      collection.remove(doc, context.changes);
      n++;
    }
  });
  return withErrors({ n, ok: 1 }, writeErrors);
};

const findAndModify: CommandHandler = (command, context) => {
  const ns = nsOf(context, command.findAndModify ?? command.findandmodify);
  if (context.databases.view(ns)) throw errors.notACollection(ns);
  const query = (command.query as Document) ?? {};
  const fields = command.fields as Document | undefined;
  const view = (doc: Document | undefined) => (doc ? project([doc], fields)[0] : null);
  if (command.remove) {
    const collection = context.databases.get(ns);
    const [doc] = collection?.find(query, { sort: command.sort as Document, limit: 1 }) ?? [];
    if (doc) collection!.remove(doc, context.changes);
    return { lastErrorObject: { n: doc ? 1 : 0 }, value: view(doc), ok: 1 };
  }
  if (!command.update) throw errors.failedToParse('Either an update or remove=true must be specified');
  const collection = context.databases.obtain(ns, context.changes);
  const outcome = updateDocuments(collection, context, {
    q: query,
    u: command.update as Document,
    upsert: !!command.upsert,
    arrayFilters: command.arrayFilters as Document[] | undefined,
    sort: command.sort as Document | undefined,
  });
  const lastErrorObject: Document = {
    n: outcome.matched || (outcome.upsertedId !== undefined ? 1 : 0),
    updatedExisting: outcome.matched > 0,
  };
  if (outcome.upsertedId !== undefined) lastErrorObject.upserted = outcome.upsertedId;
  const value = command.new ? outcome.after : outcome.upsertedId !== undefined ? undefined : outcome.before;
  return { lastErrorObject, value: view(value), ok: 1 };
};

export const writeCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: remove,
  findandmodify: findAndModify,
};
