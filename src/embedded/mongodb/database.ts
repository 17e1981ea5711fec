import { Document } from 'bson';
import { Collection } from './collection';
import { IndexSpec } from './collection-index';
import { errors } from './errors';
import { Storage, StorageChange } from './storage';
import { valueKey } from './values';

export interface ViewDefinition {
  /** The collection or view it reads, in the same database. */
  viewOn: string;
  pipeline: Document[];
}

/** As on MongoDB: a view over views over ... at most this deep. */
export const MAX_VIEW_DEPTH = 20;
const VIEWS = 'system.views';
const dbOf = (ns: string) => ns.slice(0, ns.indexOf('.'));

/**
 * Every collection of every database, by namespace `db.collection`. Views are defined, as on
 * MongoDB, by documents `{ _id: 'db.view', viewOn, pipeline }` in the database's `system.views`
 * collection, so they are stored, listed and dropped with it.
 */
export class Databases {
  private readonly collections = new Map<string, Collection>();

  constructor(readonly storage: Storage) {
    for (const stored of storage.load()) {
      const collection = new Collection(stored.ns, stored.indexes as IndexSpec[]);
      const changes: StorageChange[] = [];
      for (const doc of stored.documents) collection.insert(doc, changes);
      this.collections.set(stored.ns, collection);
    }
  }

  get(ns: string): Collection | undefined {
    return this.collections.get(ns);
  }

  /** The collection, created on first use as MongoDB does on a write; never a view. */
  obtain(ns: string, changes: StorageChange[]): Collection {
    let collection = this.collections.get(ns);
    if (!collection) {
      validateNamespace(ns);
      if (this.view(ns)) throw errors.notACollection(ns);
      collection = new Collection(ns);
      this.collections.set(ns, collection);
      changes.push({ kind: 'putCollection', ns, indexes: collection.indexSpecs as unknown as Document[] });
    }
    return collection;
  }

  drop(ns: string, changes: StorageChange[]): boolean {
    if (!this.collections.delete(ns)) return false;
    changes.push({ kind: 'dropCollection', ns });
    return true;
  }

  rename(from: string, to: string, dropTarget: boolean, changes: StorageChange[]): void {
    if (this.view(from)) throw errors.commandNotSupportedOnView(`cannot rename view: ${from}`);
    const source = this.collections.get(from);
    if (!source) throw errors.namespaceNotFound(`Source collection ${from} does not exist`);
    validateNamespace(to);
    if (this.view(to)) throw errors.namespaceExists(`a view already exists with that name: ${to}`);
    if (this.collections.has(to)) {
      if (!dropTarget) throw errors.namespaceExists(`Target namespace ${to} exists`);
      this.drop(to, changes);
    }
    this.collections.delete(from);
    changes.push({ kind: 'dropCollection', ns: from });
    source.ns = to;
    this.collections.set(to, source);
    changes.push({ kind: 'putCollection', ns: to, indexes: source.indexSpecs as unknown as Document[] });
    for (const [key, doc] of source.documents) changes.push({ kind: 'put', ns: to, key, doc });
  }

  /** A collection or a view by that name. */
  exists(ns: string): boolean {
    return this.collections.has(ns) || this.view(ns) !== undefined;
  }

  view(ns: string): ViewDefinition | undefined {
    const doc = this.collections.get(`${dbOf(ns)}.${VIEWS}`)?.documents.get(valueKey(ns));
    if (!doc) return undefined;
    return { viewOn: String(doc.viewOn), pipeline: Array.isArray(doc.pipeline) ? doc.pipeline : [] };
  }

  /** The views of a database, by name. */
  viewsOf(db: string): [string, ViewDefinition][] {
    const catalog = this.collections.get(`${db}.${VIEWS}`);
    if (!catalog) return [];
    return [...catalog.documents.values()]
      .filter((doc) => typeof doc._id === 'string' && dbOf(doc._id) === db)
      .map((doc) => [(doc._id as string).slice(db.length + 1), this.view(doc._id as string)!]);
  }

  /**
   * What reading a namespace means: the collection that holds the documents, and the pipeline
   * (the views' pipelines, innermost first) that turns them into what the namespace shows.
   */
  resolve(ns: string): { ns: string; pipeline: Document[] } {
    let pipeline: Document[] = [];
    let current = ns;
    for (let depth = 0; ; depth++) {
      const view = this.view(current);
      if (!view) return { ns: current, pipeline };
      if (depth >= MAX_VIEW_DEPTH) throw tooDeep();
      pipeline = [...view.pipeline, ...pipeline];
      current = `${dbOf(ns)}.${view.viewOn}`;
    }
  }

  createView(ns: string, viewOn: string, pipeline: Document[], changes: StorageChange[]): void {
    validateNamespace(ns);
    const source = `${dbOf(ns)}.${viewOn}`;
    validateNamespace(source);
    if (this.exists(ns)) throw errors.namespaceExists(`Namespace ${ns} already exists`);
    const chain = [ns];
    for (let current: string | undefined = source; current !== undefined;) {
      chain.push(current);
      if (current === ns) throw errors.graphContainsCycle(`View cycle detected: ${chain.join(' => ')}`);
      if (chain.length > MAX_VIEW_DEPTH + 1) throw tooDeep();
      const view = this.view(current);
      current = view ? `${dbOf(ns)}.${view.viewOn}` : undefined;
    }
    this.obtain(`${dbOf(ns)}.${VIEWS}`, changes).insert({ _id: ns, viewOn, pipeline }, changes);
  }

  /** Drops a view; false when there is no view by that name. */
  dropView(ns: string, changes: StorageChange[]): boolean {
    const catalog = this.collections.get(`${dbOf(ns)}.${VIEWS}`);
    const doc = catalog?.documents.get(valueKey(ns));
    if (!doc) return false;
    catalog!.remove(doc, changes);
    return true;
  }

  namespacesOf(db: string): string[] {
    return [...this.collections.keys()].filter((ns) => ns.startsWith(`${db}.`));
  }

  databaseNames(): string[] {
    return [...new Set([...this.collections.keys()].map((ns) => ns.slice(0, ns.indexOf('.'))))];
  }

  /** Records a collection's index list after it changed. */
  saveIndexes(collection: Collection, changes: StorageChange[]): void {
    changes.push({
      kind: 'putCollection',
      ns: collection.ns,
      indexes: collection.indexSpecs as unknown as Document[],
    });
  }
}

const tooDeep = () =>
  errors.viewDepthLimitExceeded(
    `View depth too deep or view cycle detected; maximum depth is ${MAX_VIEW_DEPTH}`,
  );

function validateNamespace(ns: string): void {
  const dot = ns.indexOf('.');
  const collection = ns.slice(dot + 1);
  if (dot <= 0 || !collection || collection.includes('$') || ns.includes('\0')) {
    throw errors.invalidNamespace(`Invalid namespace specified '${ns}'`);
  }
}
