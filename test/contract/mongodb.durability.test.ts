import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { spawnEmbeddedServer } from '../../src/embedded/embedded-process';

const CLI = join(__dirname, '../../dist/src/embedded/mongodb/cli.js');

// Kills and restarts the embedded server's process: meaningful only for the embedded server.
const describeEmbedded = process.env.MONGODB_URL ? describe.skip : describe;

describeEmbedded('embedded MongoDB durability', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'mongodb-durability-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps acknowledged writes, indexes and renames through SIGKILL', async () => {
    const first = await spawnEmbeddedServer(CLI, ['--port', '0', '--data', dataDir]);
    const client = await MongoClient.connect(first.url);
    const db = client.db('durable');
    await db.collection('users').createIndex({ email: 1 }, { unique: true });
    for (let i = 0; i < 200; i++)
      await db.collection('users').insertOne({ email: `u${i}@x`, at: new Date(i) });
    await db.collection('users').updateMany({}, { $set: { seen: true } });
    await db.collection('users').deleteOne({ email: 'u0@x' });
    await db.collection('temp').insertOne({ v: 1 });
    await db.renameCollection('temp', 'kept');
    await first.kill();
    await client.close().catch(() => undefined);

    const second = await spawnEmbeddedServer(CLI, ['--port', '0', '--data', dataDir]);
    const reader = await MongoClient.connect(second.url);
    try {
      const users = reader.db('durable').collection('users');
      expect(await users.countDocuments({ seen: true })).toBe(199);
      expect(await users.findOne({ email: 'u5@x' })).toMatchObject({ at: new Date(5) });
      await expect(users.insertOne({ email: 'u5@x' })).rejects.toMatchObject({ code: 11000 });
      expect(await reader.db('durable').collection('kept').countDocuments()).toBe(1);
    } finally {
      await reader.close();
      expect(await second.stop()).toBe(0);
    }
  });

  it('refuses to start a second server on a data directory in use', async () => {
    const first = await spawnEmbeddedServer(CLI, ['--port', '0', '--data', dataDir]);
    try {
      await expect(spawnEmbeddedServer(CLI, ['--port', '0', '--data', dataDir])).rejects.toThrow(
        /in use by another server/,
      );
    } finally {
      await first.stop();
    }
  });
});
