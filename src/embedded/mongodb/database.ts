import { Document } from 'bson';
import { Collection } from './collection';
import { IndexSpec } from './collection-index';
import { errors } from './errors';
import { Storage, StorageChange } from './storage';

/** Every collection of every database, by namespace `db.collection`. */
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

  /** The collection, created on first use as MongoDB does on a write. */
  obtain(ns: string, changes: StorageChange[]): Collection {
    let collection = this.collections.get(ns);
    if (!collection) {
      validateNamespace(ns);
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
    const source = this.collections.get(from);
    if (!source) throw errors.namespaceNotFound(`Source collection ${from} does not exist`);
    validateNamespace(to);
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

function validateNamespace(ns: string): void {
  const dot = ns.indexOf('.');
  const collection = ns.slice(dot + 1);
  if (dot <= 0 || !collection || collection.includes('$') || ns.includes('\0')) {
    throw errors.invalidNamespace(`Invalid namespace specified '${ns}'`);
  }
}
