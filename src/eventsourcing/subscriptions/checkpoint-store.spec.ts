import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { EmbeddedMongoServer, startMongoServer } from '../../embedded/mongodb/mongo-server';
import { CheckpointStore } from './checkpoint-store';

describe('CheckpointStore', () => {
  let server: EmbeddedMongoServer | undefined;
  let client: MongoClient;
  let store: CheckpointStore;
  beforeAll(async () => {
    server = process.env.MONGODB_URL ? undefined : await startMongoServer({ port: 0 });
    client = await MongoClient.connect(process.env.MONGODB_URL ?? server!.url);
    store = new CheckpointStore(client.db(`checkpoints_${randomUUID().slice(0, 8)}`));
  });
  afterAll(async () => {
    await client.close();
    await server?.close();
  });

  const at = (position: bigint) => ({ commit: position, prepare: position });

  it('moves a checkpoint forwards only, whoever saves it', async () => {
    await store.save('forwards', at(900n));
    await store.save('forwards', at(1_000n));
    // A second writer behind the first, or a replay after a crash, cannot move it back.
    await store.save('forwards', at(1_000n));
    await store.save('forwards', at(999n));
    expect(await store.load('forwards')).toEqual(at(1_000n));
  });

  it('orders positions as numbers, not as text', async () => {
    await store.save('numeric', at(99n));
    await store.save('numeric', at(100n));
    expect(await store.load('numeric')).toEqual(at(100n));
  });
});
