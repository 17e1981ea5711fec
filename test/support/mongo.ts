import { randomUUID } from 'node:crypto';
import { Db, MongoClient } from 'mongodb';
import { EmbeddedMongoServer, startMongoServer } from '../../src/embedded/mongodb/mongo-server';

export interface MongoFixture {
  client: MongoClient;
  db: Db;
  url: string;
  embedded?: EmbeddedMongoServer;
  close(): Promise<void>;
}

/** A client for MONGODB_URL when set, otherwise for a fresh in-memory embedded server; a database of its own. */
export async function openMongo(): Promise<MongoFixture> {
  const embedded = process.env.MONGODB_URL ? undefined : await startMongoServer({ port: 0 });
  const url = process.env.MONGODB_URL ?? embedded!.url;
  const client = await MongoClient.connect(url);
  const db = client.db(`contract_${randomUUID().replace(/-/g, '').slice(0, 12)}`);
  return {
    client,
    db,
    url,
    embedded,
    async close() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
      await embedded?.close();
    },
  };
}
