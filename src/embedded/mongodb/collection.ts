import { Document, ObjectId } from 'bson';
import { Query } from 'mingo';
import { CollectionIndex, IndexSpec } from './collection-index';
import { errors } from './errors';
import { StorageChange } from './storage';
import { compareBySort, valueKey, valuesAt } from './values';

export const ID_INDEX: IndexSpec = { name: '_id_', key: { _id: 1 }, unique: true };

export interface FindOptions {
  sort?: Document;
  skip?: number;
  limit?: number;
}

/**
 * One collection in memory: documents by `_id`, and its indexes. Every change is also recorded
 * as a storage change, written durably by the command that made it.
 */
export class Collection {
  readonly documents = new Map<string, Document>();
  readonly indexes: CollectionIndex[] = [];

  constructor(
    public ns: string,
    specs: IndexSpec[] = [],
  ) {
    this.indexes.push(new CollectionIndex(ID_INDEX));
    for (const spec of specs) if (spec.name !== ID_INDEX.name) this.indexes.push(new CollectionIndex(spec));
  }

  get indexSpecs(): IndexSpec[] {
    return this.indexes.map((index) => index.spec);
  }

  /** Adds a document that must not exist yet; refuses a duplicate key without changing anything. */
  insert(doc: Document, changes: StorageChange[]): Document {
    // MongoDB stores `_id` as the first field, generating one when missing.
    if (Object.keys(doc)[0] !== '_id') doc = { _id: doc._id ?? new ObjectId(), ...doc };
    const key = valueKey(doc._id);
    if (this.documents.has(key)) throw this.duplicate(this.indexes[0], doc);
    this.checkUnique(doc, key);
    this.documents.set(key, doc);
    for (const index of this.indexes) index.add(doc, key);
    changes.push({ kind: 'put', ns: this.ns, key, doc });
    return doc;
  }

  replace(current: Document, next: Document, changes: StorageChange[]): void {
    const key = valueKey(current._id);
    if (valueKey(next._id) !== key) {
      throw errors.immutableField(
        "Performing an update on the path '_id' would modify the immutable field '_id'",
      );
    }
    this.checkUnique(next, key);
    this.documents.set(key, next);
    for (const index of this.indexes) index.replace(current, next, key);
    changes.push({ kind: 'put', ns: this.ns, key, doc: next });
  }

  remove(doc: Document, changes: StorageChange[]): void {
    const key = valueKey(doc._id);
    for (const index of this.indexes) index.remove(doc, key);
    this.documents.delete(key);
    changes.push({ kind: 'delete', ns: this.ns, key });
  }

  addIndex(spec: IndexSpec): void {
    const index = new CollectionIndex(spec);
    for (const [key, doc] of this.documents) {
      if (index.conflictFor(doc, key) !== undefined) throw this.duplicate(index, doc);
      index.add(doc, key);
    }
    this.indexes.push(index);
  }

  dropIndex(name: string): void {
    const at = this.indexes.findIndex((index) => index.spec.name === name);
    if (at <= 0) throw errors.indexNotFound(`index not found with name [${name}]`);
    this.indexes.splice(at, 1);
  }

  /** Matching documents in order, using an index to avoid scanning where the filter allows. */
  find(filter: Document, options: FindOptions = {}): Document[] {
    // Documents by string ids need no query: the `_id` index finds exactly those that match.
    const byIdOnly = stringIdsOnly(filter);
    const query = byIdOnly ? undefined : new Query(filter);
    const skip = options.skip ?? 0;
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    const sort = options.sort && Object.keys(options.sort).length > 0 ? options.sort : undefined;

    const candidates = this.candidates(filter);
    const ordered = sort ? this.sortedScan(filter, sort) : undefined;
    // Testing and sorting C candidates, or walking the sort's index until the page is full: about
    // page × N / C documents when the candidates lie evenly, fewer when C² > page × N.
    const walk =
      query !== undefined &&
      ordered !== undefined &&
      candidates !== undefined &&
      limit !== Infinity &&
      candidates.size ** 2 > (skip + limit) * this.documents.size;
    if (candidates && !walk) {
      const docs = [...candidates].map((key) => this.documents.get(key)!).filter(Boolean);
      const matched = query ? docs.filter((doc) => query.test(doc)) : docs;
      if (sort) matched.sort(compareBySort(sort));
      return matched.slice(skip, skip + limit);
    }

    if (ordered) {
      // Walk the index in order; collect until the page is full and the sort key changes.
      const [, direction] = Object.entries(sort!)[0];
      const matched: { doc: Document; value: unknown }[] = [];
      for (const { docKey, value } of ordered.index.scan(
        this.documents,
        Number(direction) < 0 ? -1 : 1,
        ordered.bounds,
      )) {
        // A document outside the candidates cannot match: skipped without running the query.
        if (candidates && !candidates.has(docKey)) continue;
        const doc = this.documents.get(docKey)!;
        if (!query!.test(doc)) continue;
        if (matched.length >= skip + limit && valueKey(matched[matched.length - 1].value) !== valueKey(value))
          break;
        matched.push({ doc, value });
      }
      return matched
        .map((m) => m.doc)
        .sort(compareBySort(sort!))
        .slice(skip, skip + limit);
    }

    return page(this.documents.values(), filter, options);
  }

  /** Keys of the documents an equality (or `$in`) on an indexed first field narrows the search to. */
  private candidates(filter: Document): ReadonlySet<string> | undefined {
    for (const index of this.indexes) {
      if (index.spec.sparse) continue;
      const values = equalityValues(filter[index.firstField]);
      if (!values) continue;
      return index.lookup(values);
    }
    return undefined;
  }

  private sortedScan(filter: Document, sort: Document) {
    const [field] = Object.keys(sort);
    const index = this.indexes.find((i) => i.firstField === field);
    // An array orders its document by its least element, which only an ascending sort uses.
    if (!index || (index.spec.sparse ?? false) || index.multikey) return undefined;
    const condition = filter[field];
    const bounds: Parameters<CollectionIndex['scan']>[2] = {};
    if (isOperatorObject(condition)) {
      if ('$gt' in condition) Object.assign(bounds, { lower: condition.$gt, lowerInclusive: false });
      if ('$gte' in condition) Object.assign(bounds, { lower: condition.$gte, lowerInclusive: true });
      if ('$lt' in condition) Object.assign(bounds, { upper: condition.$lt, upperInclusive: false });
      if ('$lte' in condition) Object.assign(bounds, { upper: condition.$lte, upperInclusive: true });
    }
    return { index, bounds };
  }

  private checkUnique(doc: Document, key: string): void {
    for (const index of this.indexes) {
      if (index.conflictFor(doc, key) !== undefined) throw this.duplicate(index, doc);
    }
  }

  private duplicate(index: { spec: IndexSpec } | CollectionIndex, doc: Document) {
    const spec = index.spec;
    const keyValue: Document = {};
    for (const field of Object.keys(spec.key)) keyValue[field] = valuesAt(doc, field)[0] ?? null;
    const shown = Object.entries(keyValue)
      .map(([field, value]) => `${field}: ${JSON.stringify(value)}`)
      .join(', ');
    return errors.duplicateKey(
      `E11000 duplicate key error collection: ${this.ns} index: ${spec.name} dup key: { ${shown} }`,
      spec.key,
      keyValue,
    );
  }
}

/** The documents matching `filter`, sorted, skipped and limited: the plain scan, for any input. */
export function page(documents: Iterable<Document>, filter: Document, options: FindOptions = {}): Document[] {
  const query = new Query(filter);
  const skip = options.skip ?? 0;
  const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
  const matched = [...documents].filter((doc) => query.test(doc));
  if (options.sort && Object.keys(options.sort).length > 0) matched.sort(compareBySort(options.sort));
  return matched.slice(skip, skip + limit);
}

/**
 * A filter on `_id` alone, by strings: `{ _id: s }`, `{ _id: { $eq: s } }` or `{ _id: { $in: [s, ...] } }`.
 * A string's index key is the string's alone, so the `_id` index gives exactly the matching documents.
 */
function stringIdsOnly(filter: Document): boolean {
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return false;
  const condition: unknown = filter._id;
  if (typeof condition === 'string') return true;
  if (
    typeof condition !== 'object' ||
    condition === null ||
    Object.getPrototypeOf(condition) !== Object.prototype
  )
    return false;
  const operators = Object.keys(condition);
  if (operators.length !== 1) return false;
  const operand = (condition as Document)[operators[0]];
  if (operators[0] === '$eq') return typeof operand === 'string';
  return operators[0] === '$in' && Array.isArray(operand) && operand.every((v) => typeof v === 'string');
}

const isOperatorObject = (value: unknown): value is Document =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length > 0 &&
  Object.keys(value).every((k) => k.startsWith('$'));

/** The values an equality condition allows, or undefined when it is not a pure equality. */
function equalityValues(condition: unknown): unknown[] | undefined {
  if (condition === undefined || condition instanceof RegExp) return undefined;
  if (!isOperatorObject(condition)) {
    return typeof condition === 'object' &&
      condition !== null &&
      !Array.isArray(condition) &&
      !isBsonValue(condition)
      ? undefined
      : Array.isArray(condition)
        ? undefined
        : [condition];
  }
  const keys = Object.keys(condition);
  if (keys.length === 1 && keys[0] === '$eq') return equalityValues(condition.$eq);
  if (keys.length === 1 && keys[0] === '$in' && Array.isArray(condition.$in)) {
    return condition.$in.some((v: unknown) => v instanceof RegExp || Array.isArray(v))
      ? undefined
      : condition.$in;
  }
  return undefined;
}

/** BSON scalars that arrive as objects (ObjectId, Date, ...) rather than sub-documents. */
const isBsonValue = (value: object): boolean => value instanceof Date || '_bsontype' in value;
