import { MongoServerError } from 'mongodb';
import { MongoFixture, openMongo } from '../support/mongo';

describe('MongoDB contract: indexes and collections', () => {
  let mongo: MongoFixture;
  beforeAll(async () => (mongo = await openMongo()));
  afterAll(() => mongo.close());

  it('creates, lists and drops indexes', async () => {
    const c = mongo.db.collection('indexed');
    await c.insertOne({ a: 1, b: 1 });
    expect(await c.createIndex({ a: 1 })).toBe('a_1');
    expect(await c.createIndex({ a: 1, b: -1 }, { name: 'a_b' })).toBe('a_b');
    expect(await c.createIndex({ a: 1 })).toBe('a_1');
    const names = (await c.listIndexes().toArray()).map((i) => i.name);
    expect(names).toEqual(['_id_', 'a_1', 'a_b']);
    await c.dropIndex('a_b');
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'a_1']);
    await expect(c.dropIndex('nope')).rejects.toMatchObject({ code: 27 });
    await expect(mongo.db.collection('missing').listIndexes().toArray()).rejects.toMatchObject({ code: 26 });
  });

  it('enforces unique and compound unique indexes with error 11000, writing nothing', async () => {
    const users = mongo.db.collection('users');
    await users.createIndex({ email: 1 }, { unique: true });
    await users.createIndex({ org: 1, handle: 1 }, { unique: true });
    await users.insertOne({ email: 'a@x', org: 'o1', handle: 'ann' });
    await expect(users.insertOne({ email: 'a@x', org: 'o2', handle: 'bob' })).rejects.toMatchObject({
      code: 11000,
    });
    await expect(users.insertOne({ email: 'b@x', org: 'o1', handle: 'ann' })).rejects.toMatchObject({
      code: 11000,
    });
    await users.insertOne({ email: 'c@x', org: 'o2', handle: 'ann' });
    await expect(users.updateOne({ email: 'c@x' }, { $set: { email: 'a@x' } })).rejects.toMatchObject({
      code: 11000,
    });
    expect(await users.findOne({ handle: 'ann', org: 'o2' })).toMatchObject({ email: 'c@x' });
    await expect(
      users.bulkWrite([
        { replaceOne: { filter: { email: 'c@x' }, replacement: { email: 'a@x', org: 'o9', handle: 'z' } } },
      ]),
    ).rejects.toMatchObject({ code: 11000 });
    expect(await users.countDocuments()).toBe(2);

    const dupes = mongo.db.collection('dupes');
    await dupes.insertMany([{ k: 1 }, { k: 1 }]);
    await expect(dupes.createIndex({ k: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    expect((await dupes.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('creates, lists, renames (with dropTarget) and drops collections and databases', async () => {
    await mongo.db.createCollection('blue');
    await expect(mongo.db.createCollection('blue')).rejects.toMatchObject({ code: 48 });
    await mongo.db.collection('blue').insertOne({ v: 'blue' });
    await mongo.db.collection('green').insertOne({ v: 'green' });
    const names = async () =>
      (await mongo.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    expect(await names()).toEqual(expect.arrayContaining(['blue', 'green']));

    await expect(mongo.db.renameCollection('green', 'blue')).rejects.toMatchObject({ code: 48 });
    await mongo.db.renameCollection('green', 'blue', { dropTarget: true });
    expect(
      await mongo.db
        .collection('blue')
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ v: 'green' }]);
    expect(await names()).not.toContain('green');

    expect(await mongo.db.collection('blue').drop()).toBe(true);
    expect(await names()).not.toContain('blue');

    const other = mongo.client.db(`${mongo.db.databaseName}_other`);
    await other.collection('x').insertOne({ a: 1 });
    await other.dropDatabase();
    expect(await other.listCollections().toArray()).toEqual([]);
  });

  it('answers an unknown command with CommandNotFound (59) naming it', async () => {
    const failure = mongo.db.command({ frobnicate: 1 });
    await expect(failure).rejects.toBeInstanceOf(MongoServerError);
    await expect(failure).rejects.toMatchObject({ code: 59, message: expect.stringContaining('frobnicate') });
  });
});
