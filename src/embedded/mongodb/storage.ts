import Database from 'better-sqlite3';
import { BSON, Document } from 'bson';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type StorageChange =
  | { kind: 'put'; ns: string; key: string; doc: Document }
  | { kind: 'delete'; ns: string; key: string }
  | { kind: 'putCollection'; ns: string; indexes: Document[] }
  | { kind: 'dropCollection'; ns: string };

export interface StoredCollection {
  ns: string;
  indexes: Document[];
  documents: Document[];
}

/**
 * The durable copy of every collection: SQLite in WAL mode, documents as BSON. The server keeps
 * the working set in memory and writes each command's changes here in one transaction before
 * acknowledging it. Without a data directory nothing is written.
 */
export class Storage {
  private readonly db: Database.Database | undefined;
  private readonly apply: ((changes: StorageChange[]) => void) | undefined;

  constructor(dataDir?: string) {
    if (!dataDir) return;
    // The owner's alone: read models hold personal data, and the key store holds the keys to more.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const db = new Database(join(dataDir, 'mongodb.sqlite'), { timeout: 0 });
    // One server per data directory: a second one fails to start instead of sharing the files.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Deleted documents leave no bytes behind: freed space is zeroed, and the log of old pages is
    // emptied at each start, so what was deleted (a forgotten person) is gone from the disk.
    db.pragma('secure_delete = ON');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec(`
      CREATE TABLE IF NOT EXISTS collections (ns TEXT PRIMARY KEY, indexes BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS documents (
        ns TEXT NOT NULL, key TEXT NOT NULL, doc BLOB NOT NULL, PRIMARY KEY (ns, key)
      ) WITHOUT ROWID;
    `);
    const put = db.prepare('INSERT OR REPLACE INTO documents (ns, key, doc) VALUES (?, ?, ?)');
    const remove = db.prepare('DELETE FROM documents WHERE ns = ? AND key = ?');
    const putCollection = db.prepare('INSERT OR REPLACE INTO collections (ns, indexes) VALUES (?, ?)');
    const dropCollection = db.prepare('DELETE FROM collections WHERE ns = ?');
    const dropDocuments = db.prepare('DELETE FROM documents WHERE ns = ?');
    this.db = db;
    this.apply = db.transaction((changes: StorageChange[]) => {
      for (const change of changes) {
        if (change.kind === 'put') put.run(change.ns, change.key, BSON.serialize(change.doc));
        else if (change.kind === 'delete') remove.run(change.ns, change.key);
        else if (change.kind === 'putCollection') {
          putCollection.run(change.ns, BSON.serialize({ indexes: change.indexes }));
        } else {
          dropCollection.run(change.ns);
          dropDocuments.run(change.ns);
        }
      }
    });
  }

  load(): StoredCollection[] {
    if (!this.db) return [];
    const collections = this.db.prepare('SELECT ns, indexes FROM collections').all() as {
      ns: string;
      indexes: Buffer;
    }[];
    const documents = this.db.prepare('SELECT doc FROM documents WHERE ns = ?').raw();
    return collections.map(({ ns, indexes }) => ({
      ns,
      indexes: BSON.deserialize(indexes).indexes as Document[],
      documents: (documents.all(ns) as [Buffer][]).map(([doc]) =>
        BSON.deserialize(doc, { promoteLongs: true }),
      ),
    }));
  }

  write(changes: StorageChange[]): void {
    if (changes.length > 0) this.apply?.(changes);
  }

  close(): void {
    if (this.db?.open) this.db.close();
  }
}
