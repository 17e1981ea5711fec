import { ObjectId } from 'mongodb';
import { seededRandom } from '../../src/eventsourcing/testing/seeded-random';
import { MongoFixture, openMongo } from '../support/mongo';

describe('MongoDB contract: queries, cursors and aggregation', () => {
  let mongo: MongoFixture;
  beforeAll(async () => {
    mongo = await openMongo();
    await mongo.db.collection('people').insertMany([
      { name: 'Ana', age: 31, city: 'Lisbon', tags: ['dev', 'ops'] },
      { name: 'Bo', age: 25, city: 'Porto', tags: ['dev'] },
      { name: 'Cy', age: 42, city: 'Lisbon', tags: [] },
      { name: 'Di', age: 25, city: 'Faro', tags: ['pm'] },
    ]);
  });
  afterAll(() => mongo.close());
  const people = () => mongo.db.collection('people');

  it('filters, projects, sorts, skips and limits', async () => {
    const page = await people()
      .find({ age: { $gte: 25 } }, { projection: { _id: 0, name: 1, age: 1 } })
      .sort({ age: 1, name: -1 })
      .skip(1)
      .limit(2)
      .toArray();
    expect(page).toEqual([
      { name: 'Bo', age: 25 },
      { name: 'Ana', age: 31 },
    ]);
    expect(await people().find({ tags: 'dev', city: 'Lisbon' }).toArray()).toHaveLength(1);
    expect(
      await people()
        .find({ $or: [{ city: 'Faro' }, { age: { $gt: 40 } }] })
        .toArray(),
    ).toHaveLength(2);
  });

  it('serves results longer than one batch through getMore, and kills cursors', async () => {
    const numbers = mongo.db.collection('numbers');
    await numbers.insertMany(Array.from({ length: 1000 }, (_, i) => ({ i })));
    const all = await numbers.find({}).sort({ i: 1 }).batchSize(64).toArray();
    expect(all.map((d) => d.i)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const cursor = numbers.find({}).batchSize(10);
    await cursor.next();
    await cursor.close();
    const reply = await mongo.db.command({ find: 'numbers', batchSize: 5 });
    expect(reply.cursor.firstBatch).toHaveLength(5);
    const killed = await mongo.db.command({ killCursors: 'numbers', cursors: [reply.cursor.id] });
    expect(killed.cursorsKilled).toHaveLength(1);
    await expect(mongo.db.command({ getMore: reply.cursor.id, collection: 'numbers' })).rejects.toMatchObject(
      {
        code: 43,
      },
    );
  });

  it('walks an index in order after writes of every kind between its ordered reads', async () => {
    const ranked = mongo.db.collection<{ _id: number; rank: number }>('ranked');
    await ranked.createIndex({ rank: 1 });
    const random = seededRandom(11);
    const expected = new Map<number, number>();
    const check = async () => {
      const low = Math.floor(random() * 500);
      const want = [...expected]
        .filter(([, rank]) => rank >= low)
        .sort(([a, ra], [b, rb]) => ra - rb || a - b)
        .slice(0, 20)
        .map(([, rank]) => rank);
      const got = await ranked
        .find({ rank: { $gte: low } })
        .sort({ rank: 1 })
        .limit(20)
        .toArray();
      expect(got.map((doc) => doc.rank)).toEqual(want);
      const last = await ranked
        .find({ rank: { $lt: low } })
        .sort({ rank: -1 })
        .limit(1)
        .toArray();
      const below = [...expected.values()].filter((rank) => rank < low);
      expect(last.map((doc) => doc.rank)).toEqual(below.length ? [Math.max(...below)] : []);
    };
    for (let id = 0; id < 300; id++) {
      const op = random();
      const rank = Math.floor(random() * 500);
      if (op < 0.5 || expected.size === 0) {
        await ranked.insertOne({ _id: id, rank });
        expected.set(id, rank);
      } else {
        const [target] = [...expected.keys()].slice(Math.floor(random() * expected.size));
        if (op < 0.8) {
          await ranked.updateOne({ _id: target }, { $set: { rank } });
          expected.set(target, rank);
        } else {
          await ranked.deleteOne({ _id: target });
          expected.delete(target);
        }
      }
      if (id % 10 === 0) await check();
    }
    await check();
  });

  it('finds a small sorted page among many documents matching an indexed equality', async () => {
    const kinds = mongo.db.collection('kinds');
    await kinds.createIndexes([{ key: { kind: 1 } }, { key: { n: 1 } }]);
    await kinds.insertMany(Array.from({ length: 2000 }, (_, n) => ({ kind: n % 3 === 0 ? 'a' : 'b', n })));
    const page = (filter: object, order: 1 | -1, limit: number) =>
      kinds
        .find(filter)
        .sort({ n: order })
        .limit(limit)
        .toArray()
        .then((docs) => docs.map((doc) => doc.n));
    expect(await page({ kind: 'a', n: { $gt: 500 } }, 1, 4)).toEqual([501, 504, 507, 510]);
    expect(await page({ kind: 'a', n: { $lt: 500 } }, -1, 3)).toEqual([498, 495, 492]);
    expect(await page({ kind: 'a', n: { $gt: 1990 } }, 1, 10)).toEqual([1992, 1995, 1998]);
    expect(await page({ kind: { $in: ['a', 'b'] }, n: { $gte: 1998 } }, 1, 5)).toEqual([1998, 1999]);
  });

  it('sorts by an indexed array field on its greatest element descending, its least ascending', async () => {
    const tagged = mongo.db.collection<{ _id: string; kind: string; tags: number[] }>('tagged');
    await tagged.createIndexes([{ key: { kind: 1 } }, { key: { tags: 1 } }]);
    await tagged.insertMany([
      { _id: 'a', kind: 'x', tags: [1, 10] },
      { _id: 'b', kind: 'x', tags: [5] },
      ...Array.from({ length: 50 }, (_, i) => ({ _id: `c${i}`, kind: 'x', tags: [6] })),
    ]);
    const first = (order: 1 | -1) =>
      tagged
        .find({ kind: 'x' })
        .sort({ tags: order, _id: 1 })
        .limit(1)
        .toArray()
        .then((docs) => docs.map((doc) => doc._id));
    expect(await first(-1)).toEqual(['a']);
    expect(await first(1)).toEqual(['a']);
    const unfiltered = await tagged.find().sort({ tags: -1, _id: 1 }).limit(2).toArray();
    expect(unfiltered.map((doc) => doc._id)).toEqual(['a', 'c0']);
  });

  it('sorts mixed types in BSON order', async () => {
    const mixed = mongo.db.collection('mixed');
    const oid = new ObjectId();
    await mixed.insertMany([
      { _id: 'date' as never, v: new Date(0) },
      { _id: 'string' as never, v: 'text' },
      { _id: 'bool' as never, v: true },
      { _id: 'null' as never, v: null },
      { _id: 'object' as never, v: { a: 1 } },
      { _id: 'oid' as never, v: oid },
      { _id: 'int' as never, v: 7 },
      { _id: 'double' as never, v: 2.5 },
    ]);
    const order = (await mixed.find().sort({ v: 1 }).toArray()).map((d) => d._id);
    expect(order).toEqual(['null', 'double', 'int', 'string', 'object', 'oid', 'bool', 'date']);
    const reverse = (await mixed.find().sort({ v: -1 }).toArray()).map((d) => d._id);
    expect(reverse).toEqual([...order].reverse());
  });

  it('counts and lists distinct values', async () => {
    expect(await people().countDocuments({ city: 'Lisbon' })).toBe(2);
    expect(await people().countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await people().estimatedDocumentCount()).toBe(4);
    expect((await people().distinct('city')).sort()).toEqual(['Faro', 'Lisbon', 'Porto']);
    expect((await people().distinct('tags', { city: 'Lisbon' })).sort()).toEqual(['dev', 'ops']);
  });

  it('aggregates with $match, $group, $sort, $skip, $limit, $project, $count, $unwind and $lookup', async () => {
    const byCity = await people()
      .aggregate([
        { $match: { age: { $gte: 25 } } },
        { $group: { _id: '$city', people: { $sum: 1 }, oldest: { $max: '$age' } } },
        { $sort: { people: -1, _id: 1 } },
        { $skip: 0 },
        { $limit: 2 },
        { $project: { _id: 0, city: '$_id', people: 1, oldest: 1 } },
      ])
      .toArray();
    expect(byCity).toEqual([
      { city: 'Lisbon', people: 2, oldest: 42 },
      { city: 'Faro', people: 1, oldest: 25 },
    ]);
    const tags = await people()
      .aggregate([{ $unwind: '$tags' }, { $count: 'tagged' }])
      .toArray();
    expect(tags).toEqual([{ tagged: 4 }]);

    await mongo.db.collection('cities').insertMany([
      { name: 'Lisbon', country: 'PT' },
      { name: 'Porto', country: 'PT' },
    ]);
    const joined = await people()
      .aggregate([
        { $match: { name: 'Bo' } },
        { $lookup: { from: 'cities', localField: 'city', foreignField: 'name', as: 'place' } },
        { $project: { _id: 0, name: 1, country: { $first: '$place.country' } } },
      ])
      .toArray();
    expect(joined).toEqual([{ name: 'Bo', country: 'PT' }]);
  });
});
