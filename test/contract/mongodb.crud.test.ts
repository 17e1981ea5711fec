import { Decimal128, Binary, ObjectId, MongoServerError } from 'mongodb';
import { MongoFixture, openMongo } from '../support/mongo';

describe('MongoDB contract: handshake and CRUD', () => {
  let mongo: MongoFixture;
  beforeAll(async () => (mongo = await openMongo()));
  afterAll(() => mongo.close());
  const collection = (name: string) => mongo.db.collection(name);

  it('answers hello, isMaster, ping, buildInfo and endSessions as a writable standalone', async () => {
    const admin = mongo.db.admin();
    const hello = await mongo.db.command({ hello: 1 });
    expect(hello).toMatchObject({ isWritablePrimary: true, ok: 1 });
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(9);
    expect(hello.setName).toBeUndefined();
    expect((await mongo.db.command({ isMaster: 1 })).ismaster).toBe(true);
    expect(await admin.ping()).toMatchObject({ ok: 1 });
    expect((await admin.buildInfo()).version).toMatch(/^\d+\.\d+/);
    const session = mongo.client.startSession();
    await collection('sessions').insertOne({ a: 1 }, { session });
    await session.endSession();
    expect(await mongo.db.command({ endSessions: [] })).toMatchObject({ ok: 1 });
  });

  it('round-trips ObjectIds, dates, decimals, binary and nested documents', async () => {
    const doc = {
      _id: new ObjectId(),
      at: new Date('2026-05-01T12:34:56.789Z'),
      price: Decimal128.fromString('19.99'),
      blob: new Binary(Buffer.from([1, 2, 3, 255])),
      nested: { list: [1, 'two', { three: 3 }], empty: {} },
      unicode: 'zoë ✓',
    };
    await collection('types').insertOne(doc);
    const found = await collection('types').findOne({ _id: new ObjectId(doc._id.toHexString()) });
    expect(found).toEqual(doc);
    expect(found!.at).toBeInstanceOf(Date);
    expect(found!._id).toBeInstanceOf(ObjectId);
  });

  it('inserts, generating _id first, and reports duplicate _id per document', async () => {
    const c = collection('insert');
    const result = await c.insertOne({ name: 'a' });
    expect(result.insertedId).toBeInstanceOf(ObjectId);
    expect(Object.keys((await c.findOne({ name: 'a' }))!)[0]).toBe('_id');
    await c.insertOne({ _id: 'fixed' as never, v: 1 });
    const duplicate = c.insertMany(
      [{ _id: 'new1' as never }, { _id: 'fixed' as never }, { _id: 'new2' as never }],
      { ordered: true },
    );
    await expect(duplicate).rejects.toMatchObject({ code: 11000 });
    expect(await c.countDocuments({ _id: { $in: ['new1', 'new2'] } as never })).toBe(1);
    await expect(
      c.insertMany([{ _id: 'fixed' as never }, { _id: 'new3' as never }], { ordered: false }),
    ).rejects.toMatchObject({ code: 11000 });
    expect(await c.countDocuments({ _id: 'new3' as never })).toBe(1);
  });

  it('updates with operators, replacements, upserts, multi and arrayFilters', async () => {
    const c = collection('update');
    await c.insertMany([
      {
        _id: 1 as never,
        n: 1,
        tags: ['a'],
        items: [
          { k: 'x', v: 1 },
          { k: 'y', v: 2 },
        ],
      },
      { _id: 2 as never, n: 2, tags: [] },
      { _id: 3 as never, n: 3, tags: [] },
    ]);
    const one = await c.updateOne(
      { _id: 1 as never },
      { $inc: { n: 10 }, $push: { tags: 'b' } as never, $set: { 'deep.x': true } },
    );
    expect(one).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await c.findOne({ _id: 1 as never })).toMatchObject({
      n: 11,
      tags: ['a', 'b'],
      deep: { x: true },
    });

    const many = await c.updateMany({ n: { $lt: 5 } }, { $set: { small: true } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const unchanged = await c.updateOne({ _id: 2 as never }, { $set: { small: true } });
    expect(unchanged).toMatchObject({ matchedCount: 1, modifiedCount: 0 });

    await c.replaceOne({ _id: 3 as never }, { replaced: true });
    expect(await c.findOne({ _id: 3 as never })).toEqual({ _id: 3, replaced: true });

    const upsert = await c.updateOne(
      { _id: 9 as never, kind: 'new' },
      { $set: { n: 9 }, $setOnInsert: { created: true } },
      { upsert: true },
    );
    expect(upsert).toMatchObject({ upsertedCount: 1, upsertedId: 9 });
    expect(await c.findOne({ _id: 9 as never })).toEqual({ _id: 9, kind: 'new', n: 9, created: true });
    await c.updateOne(
      { _id: 9 as never },
      { $set: { n: 10 }, $setOnInsert: { created: false } },
      { upsert: true },
    );
    expect(await c.findOne({ _id: 9 as never })).toMatchObject({ n: 10, created: true });

    await c.updateOne(
      { _id: 1 as never },
      { $set: { 'items.$[item].v': 20 } },
      { arrayFilters: [{ 'item.k': 'y' }] },
    );
    expect((await c.findOne({ _id: 1 as never }))!.items).toEqual([
      { k: 'x', v: 1 },
      { k: 'y', v: 20 },
    ]);

    await c.updateOne({ _id: 2 as never }, [{ $set: { doubled: { $multiply: ['$n', 2] } } }]);
    expect((await c.findOne({ _id: 2 as never }))!.doubled).toBe(4);

    await expect(c.updateOne({ _id: 2 as never }, { $set: { _id: 99 } })).rejects.toBeInstanceOf(
      MongoServerError,
    );
  });

  it('deletes one or many', async () => {
    const c = collection('delete');
    await c.insertMany([{ g: 1 }, { g: 1 }, { g: 1 }, { g: 2 }]);
    expect((await c.deleteOne({ g: 1 })).deletedCount).toBe(1);
    expect((await c.deleteMany({ g: 1 })).deletedCount).toBe(2);
    expect(await c.countDocuments()).toBe(1);
  });

  it('finds and modifies: before or after, with upsert, sort, projection and remove', async () => {
    const c = collection('fam');
    await c.insertMany([
      { q: 1, n: 1 },
      { q: 1, n: 2 },
    ]);
    const before = await c.findOneAndUpdate(
      { q: 1 },
      { $inc: { n: 100 } },
      { sort: { n: -1 }, returnDocument: 'before' },
    );
    expect(before).toMatchObject({ n: 2 });
    const after = await c.findOneAndUpdate(
      { q: 1, n: 1 },
      { $set: { seen: true } },
      { returnDocument: 'after', projection: { seen: 1, _id: 0 } },
    );
    expect(after).toEqual({ seen: true });
    const created = await c.findOneAndUpdate(
      { q: 2 },
      { $set: { n: 5 } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(created).toMatchObject({ q: 2, n: 5 });
    const removed = await c.findOneAndDelete({ q: 2 });
    expect(removed).toMatchObject({ q: 2 });
    expect(await c.findOneAndDelete({ q: 2 })).toBeNull();
  });
});
