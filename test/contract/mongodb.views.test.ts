import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, MongoBulkWriteError, MongoClient } from 'mongodb';
import { startMongoServer } from '../../src/embedded/mongodb/mongo-server';
import { MongoFixture, openMongo } from '../support/mongo';

const adultsPipeline = [
  { $match: { age: { $gte: 18 } } },
  { $addFields: { adult: true } },
  { $project: { city: 0 } },
];

describe('MongoDB contract: views', () => {
  let mongo: MongoFixture;
  beforeAll(async () => (mongo = await openMongo()));
  afterAll(() => mongo.close());

  /** A source collection `people` and a view `adults` on it; names prefixed per test. */
  async function peopleAndAdults(prefix: string) {
    const people = mongo.db.collection(`${prefix}_people`);
    await people.insertMany([
      { _id: 1, name: 'ann', age: 34, city: 'Oslo' },
      { _id: 2, name: 'bob', age: 12, city: 'Rome' },
      { _id: 3, name: 'cid', age: 51, city: 'Oslo' },
      { _id: 4, name: 'dee', age: 18, city: 'Lima' },
    ] as Document[]);
    const adults = await mongo.db.createCollection(`${prefix}_adults`, {
      viewOn: `${prefix}_people`,
      pipeline: adultsPipeline,
    });
    return { people, adults };
  }

  it('answers find, with filter, projection, sort, skip and limit, from the pipeline on the source', async () => {
    const { adults } = await peopleAndAdults('find');
    expect(await adults.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, name: 'ann', age: 34, adult: true },
      { _id: 3, name: 'cid', age: 51, adult: true },
      { _id: 4, name: 'dee', age: 18, adult: true },
    ]);
    expect(
      await adults
        .find({ age: { $lt: 50 } }, { projection: { name: 1, _id: 0 } })
        .sort({ age: -1 })
        .toArray(),
    ).toEqual([{ name: 'ann' }, { name: 'dee' }]);
    expect(await adults.find({}, { sort: { name: 1 }, skip: 1, limit: 1 }).toArray()).toEqual([
      { _id: 3, name: 'cid', age: 51, adult: true },
    ]);
    expect(await adults.findOne({ _id: 2 } as Document)).toBeNull();
    // Fields the view removes cannot be matched on.
    expect(await adults.countDocuments({ city: 'Oslo' })).toBe(0);
    // A cursor over a view pages with getMore like any other.
    expect((await adults.find({}, { batchSize: 1 }).toArray()).length).toBe(3);
  });

  it('answers aggregate, countDocuments, estimatedDocumentCount and distinct from the current source', async () => {
    const { people, adults } = await peopleAndAdults('agg');
    expect(await adults.aggregate([{ $group: { _id: null, total: { $sum: '$age' } } }]).toArray()).toEqual([
      { _id: null, total: 103 },
    ]);
    expect(await adults.countDocuments()).toBe(3);
    expect(await adults.countDocuments({ age: { $gt: 20 } })).toBe(3 - 1);
    expect(await adults.estimatedDocumentCount()).toBe(3);
    expect((await adults.distinct('name')).sort()).toEqual(['ann', 'cid', 'dee']);

    // Not a snapshot: writes to the source show through at once.
    await people.insertOne({ _id: 5, name: 'eve', age: 40, city: 'Kyiv' } as Document);
    await people.updateOne({ _id: 2 } as Document, { $set: { age: 19 } });
    await people.deleteOne({ _id: 1 } as Document);
    expect((await adults.find().sort({ _id: 1 }).toArray()).map((d) => d.name)).toEqual([
      'bob',
      'cid',
      'dee',
      'eve',
    ]);
    expect(await adults.countDocuments()).toBe(4);
    expect(await adults.estimatedDocumentCount()).toBe(4);
  });

  it('reports a view in listCollections with type view and its options', async () => {
    await peopleAndAdults('list');
    const [entry] = await mongo.db.listCollections({ name: 'list_adults' }).toArray();
    expect(entry).toMatchObject({
      name: 'list_adults',
      type: 'view',
      options: { viewOn: 'list_people', pipeline: adultsPipeline },
      info: { readOnly: true },
    });
    const views = await mongo.db
      .listCollections({ type: 'view', name: /^list_/ }, { nameOnly: true })
      .toArray();
    expect(views.map((v) => [v.name, v.type])).toEqual([['list_adults', 'view']]);
    const [source] = await mongo.db.listCollections({ name: 'list_people' }).toArray();
    expect(source).toMatchObject({ type: 'collection' });
  });

  it('refuses writes, index changes and renames on a view with CommandNotSupportedOnView (166)', async () => {
    const { people, adults } = await peopleAndAdults('writes');
    const ns = `${mongo.db.databaseName}.writes_adults`;
    const notACollection = { code: 166, message: `Namespace ${ns} is a view, not a collection` };

    await expect(adults.insertOne({ name: 'zed', age: 30 })).rejects.toMatchObject(notACollection);
    await expect(adults.updateOne({ name: 'ann' }, { $set: { age: 35 } })).rejects.toMatchObject(
      notACollection,
    );
    await expect(adults.replaceOne({ name: 'new' }, { name: 'new' }, { upsert: true })).rejects.toMatchObject(
      notACollection,
    );
    await expect(adults.deleteOne({ name: 'ann' })).rejects.toMatchObject(notACollection);
    await expect(adults.deleteMany({})).rejects.toMatchObject(notACollection);
    await expect(adults.findOneAndUpdate({ name: 'ann' }, { $set: { age: 1 } })).rejects.toMatchObject({
      ...notACollection,
      codeName: 'CommandNotSupportedOnView',
    });
    await expect(adults.findOneAndDelete({ name: 'ann' })).rejects.toMatchObject({ code: 166 });
    await expect(adults.createIndex({ name: 1 })).rejects.toMatchObject({
      code: 166,
      codeName: 'CommandNotSupportedOnView',
      message: expect.stringContaining('Cannot create indexes on a view'),
    });

    await expect(adults.dropIndex('_id_')).rejects.toMatchObject({ code: 166 });
    await expect(adults.listIndexes().toArray()).rejects.toMatchObject({ code: 166 });
    await expect(mongo.db.renameCollection('writes_adults', 'writes_renamed')).rejects.toMatchObject({
      code: 166,
    });
    await mongo.db.collection('writes_other').insertOne({ x: 1 });
    await expect(mongo.db.renameCollection('writes_other', 'writes_adults')).rejects.toMatchObject({
      code: 48,
    });

    // An unordered batch fails every statement; nothing is written anywhere.
    const batch = await adults.insertMany([{ a: 1 }, { a: 2 }], { ordered: false }).catch((e: unknown) => e);
    expect(batch).toBeInstanceOf(MongoBulkWriteError);
    expect([(batch as MongoBulkWriteError).writeErrors].flat().map((e) => e.code)).toEqual([166, 166]);
    expect(await people.countDocuments()).toBe(4);
    expect((await people.find({ name: 'ann' }).toArray())[0]).toMatchObject({ age: 34 });
    expect(await adults.countDocuments()).toBe(3);
  });

  it('drops a view, leaving its source, and frees its name', async () => {
    const { people, adults } = await peopleAndAdults('drop');
    expect(await adults.countDocuments()).toBe(3);
    expect(await adults.drop()).toBe(true);
    expect(await mongo.db.listCollections({ name: 'drop_adults' }).toArray()).toEqual([]);
    expect(await people.countDocuments()).toBe(4);
    // The name is free again: for a collection, or another view.
    await mongo.db.collection('drop_adults').insertOne({ x: 1 });
    expect(
      await mongo.db
        .collection('drop_adults')
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ x: 1 }]);
  });

  it('refuses a view whose name is taken (48), and a view that would read itself (93)', async () => {
    await peopleAndAdults('names');
    await expect(
      mongo.db.createCollection('names_adults', { viewOn: 'names_people', pipeline: [] }),
    ).rejects.toMatchObject({ code: 48 });
    await expect(
      mongo.db.createCollection('names_people', { viewOn: 'names_adults', pipeline: [] }),
    ).rejects.toMatchObject({ code: 48 });
    await expect(mongo.db.createCollection('names_adults')).rejects.toMatchObject({ code: 48 });

    await mongo.db.createCollection('names_a', { viewOn: 'names_b', pipeline: [] });
    await expect(
      mongo.db.createCollection('names_b', { viewOn: 'names_a', pipeline: [] }),
    ).rejects.toMatchObject({
      code: 93,
    });
    await expect(
      mongo.db.createCollection('names_c', { viewOn: 'names_c', pipeline: [] }),
    ).rejects.toMatchObject({
      code: 93,
    });
    // View names follow the rules for collection names; a view cannot write.
    await expect(
      mongo.db.createCollection('system.special', { viewOn: 'names_people' }),
    ).rejects.toMatchObject({
      code: 73,
    });
    await expect(
      mongo.db.createCollection('names_out', { viewOn: 'names_people', pipeline: [{ $out: 'elsewhere' }] }),
    ).rejects.toMatchObject({ code: 167, codeName: 'OptionNotSupportedOnView' });
    // A view on a collection that does not exist (yet) is empty.
    expect(await mongo.db.collection('names_a').countDocuments()).toBe(0);
  });

  it('never changes the source through a pipeline that sets nested fields', async () => {
    const source = mongo.db.collection('nested_source');
    await source.insertOne({ _id: 1, profile: { name: 'ann' }, tags: [{ t: 'a' }] } as Document);
    const view = await mongo.db.createCollection('nested_setter', {
      viewOn: 'nested_source',
      pipeline: [{ $set: { 'profile.seen': true } }],
    });
    expect(await view.findOne()).toEqual({
      _id: 1,
      profile: { name: 'ann', seen: true },
      tags: [{ t: 'a' }],
    });
    expect(
      await source.aggregate([{ $match: { _id: 1 } }, { $addFields: { 'profile.other': 1 } }]).toArray(),
    ).toEqual([{ _id: 1, profile: { name: 'ann', other: 1 }, tags: [{ t: 'a' }] }]);
    expect(await source.findOne()).toEqual({ _id: 1, profile: { name: 'ann' }, tags: [{ t: 'a' }] });
  });

  it('reads a view on a view through both pipelines', async () => {
    await peopleAndAdults('nested');
    const names = await mongo.db.createCollection('nested_names', {
      viewOn: 'nested_adults',
      pipeline: [{ $match: { age: { $lt: 50 } } }, { $project: { _id: 0, name: 1 } }],
    });
    expect(await names.find().sort({ name: -1 }).toArray()).toEqual([{ name: 'dee' }, { name: 'ann' }]);
    expect(await names.countDocuments()).toBe(2);
    expect(await names.aggregate([{ $count: 'n' }]).toArray()).toEqual([{ n: 2 }]);
    await expect(names.insertOne({ name: 'x' })).rejects.toMatchObject({ code: 166 });
  });
});

// Restarts the embedded server on its data directory: meaningful only for the embedded server.
const describeEmbedded = process.env.MONGODB_URL ? describe.skip : describe;

describeEmbedded('embedded MongoDB: views are durable', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'mongodb-views-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps views, and their drops, through a restart on the same data directory', async () => {
    const first = await startMongoServer({ port: 0, dataDir });
    const writer = await MongoClient.connect(first.url);
    const db = writer.db('durable');
    await db.collection('people').insertMany([
      { name: 'ann', age: 34 },
      { name: 'bob', age: 12 },
    ]);
    await db.createCollection('adults', { viewOn: 'people', pipeline: [{ $match: { age: { $gte: 18 } } }] });
    await db.createCollection('gone', { viewOn: 'people', pipeline: [] });
    await db.collection('gone').drop();
    await writer.close();
    await first.close();

    const second = await startMongoServer({ port: 0, dataDir });
    const reader = await MongoClient.connect(second.url);
    try {
      const again = reader.db('durable');
      const views = await again.listCollections({ type: 'view' }).toArray();
      expect(views).toEqual([
        expect.objectContaining({
          name: 'adults',
          type: 'view',
          options: { viewOn: 'people', pipeline: [{ $match: { age: { $gte: 18 } } }] },
        }),
      ]);
      await again.collection('people').insertOne({ name: 'cid', age: 40 });
      expect(
        (await again.collection('adults').find().sort({ name: 1 }).toArray()).map((d) => d.name),
      ).toEqual(['ann', 'cid']);
      await expect(again.collection('adults').insertOne({ name: 'x' })).rejects.toMatchObject({ code: 166 });
    } finally {
      await reader.close();
      await second.close();
    }
  });
});
