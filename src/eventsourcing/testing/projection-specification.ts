import { randomUUID } from 'node:crypto';
import { Db, MongoClient } from 'mongodb';
import { startMongoServer } from '../../embedded/mongodb/mongo-server';
import { RecordedDomainEvent } from '../event-store/event-metadata';
import { AnyProjection, ProjectedDocument } from '../projections/projection-definition';
import { ProjectionEngine } from '../projections/projection-engine';

/**
 * Projection tests through the real engine and a real MongoDB wire server (the embedded one, or
 * MONGODB_URL): given these recorded events, then these documents. Every case also checks the
 * engine's promise: the same events replayed as a batch, or arriving again late and one by one,
 * leave the documents exactly as they were.
 */
export async function projectionSpecification(definition: AnyProjection) {
  const server = process.env.MONGODB_URL ? undefined : await startMongoServer({ port: 0 });
  const client = await MongoClient.connect(process.env.MONGODB_URL ?? server!.url);
  const db: Db = client.db(`projection_spec_${randomUUID().replace(/-/g, '').slice(0, 12)}`);
  let cases = 0;

  return {
    given(...events: RecordedDomainEvent[]) {
      return {
        async then(expected: object[]): Promise<void> {
          const engine = new ProjectionEngine(db, definition, `${definition.collection}_${++cases}`);
          await engine.prepare();
          await engine.applyBatch(events);
          const documents = await contents(db, engine.collectionName);
          expect(documents.map(withoutPosition)).toEqual(expected);

          await engine.applyBatch(events);
          expect(await contents(db, engine.collectionName)).toEqual(documents);
          for (const event of [...events].reverse()) await engine.applyBatch([event]);
          expect(await contents(db, engine.collectionName)).toEqual(documents);
        },
      };
    },
    async close(): Promise<void> {
      await db.dropDatabase();
      await client.close();
      await server?.close();
    },
  };
}

const contents = (db: Db, collection: string) =>
  db.collection<ProjectedDocument>(collection).find().sort({ _id: 1 }).toArray();

function withoutPosition({ _position, ...document }: ProjectedDocument): object {
  return document;
}
