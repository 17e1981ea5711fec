import { MongoBulkWriteError } from 'mongodb';
import { MongoFixture, openMongo } from '../support/mongo';

/**
 * Writes guarded by a condition beside `_id` (as the projection engine writes: "only if my position
 * is newer"). When the guard fails, an upsert tries to insert a second document with the same
 * `_id` and gets a duplicate key error; nothing changes.
 */
describe('MongoDB contract: conditional writes', () => {
  let mongo: MongoFixture;
  beforeAll(async () => (mongo = await openMongo()));
  afterAll(() => mongo.close());

  type Doc = { _id: string; _position: string; v?: string; extra?: boolean };
  const collection = (name: string) => mongo.db.collection<Doc>(name);
  const stale = (id: string, position: string) => ({ _id: id, _position: { $lt: position } });

  it('a conditional replaceOne upsert whose condition fails answers 11000 on _id and changes nothing', async () => {
    const c = collection('replace');
    await c.insertOne({ _id: 'a', _position: '009', v: 'kept' });
    const failure = c.replaceOne(stale('a', '005'), { _position: '005', v: 'lost' }, { upsert: true });
    // The real server names the index and the key, in the message and as keyPattern/keyValue.
    await expect(failure).rejects.toMatchObject({
      code: 11000,
      message: expect.stringMatching(/E11000 duplicate key error.*index: _id_ dup key: \{ _id: "a" \}/),
      keyPattern: { _id: 1 },
      keyValue: { _id: 'a' },
    });
    expect(await c.find().toArray()).toEqual([{ _id: 'a', _position: '009', v: 'kept' }]);

    // When the condition holds, it replaces; when the document is missing, it inserts.
    const replaced = await c.replaceOne(stale('a', '010'), { _position: '010', v: 'new' }, { upsert: true });
    expect(replaced).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    const inserted = await c.replaceOne(stale('b', '003'), { _position: '003', v: 'b' }, { upsert: true });
    expect(inserted).toMatchObject({ matchedCount: 0, upsertedCount: 1, upsertedId: 'b' });
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', _position: '010', v: 'new' },
      { _id: 'b', _position: '003', v: 'b' },
    ]);
  });

  it('a conditional updateOne or findOneAndUpdate upsert whose condition fails answers 11000 and changes nothing', async () => {
    const c = collection('update');
    await c.insertOne({ _id: 'a', _position: '009', v: 'kept' });
    await expect(
      c.updateOne(stale('a', '005'), { $set: { _position: '005', v: 'lost' } }, { upsert: true }),
    ).rejects.toMatchObject({ code: 11000 });
    await expect(
      c.findOneAndUpdate(stale('a', '005'), { $set: { _position: '005' } }, { upsert: true }),
    ).rejects.toMatchObject({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 'a' } });
    expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', _position: '009', v: 'kept' });

    const applied = await c.updateOne(stale('a', '010'), { $set: { _position: '010' } }, { upsert: true });
    expect(applied).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    const upserted = await c.updateOne(stale('b', '001'), { $set: { _position: '001' } }, { upsert: true });
    expect(upserted).toMatchObject({ upsertedCount: 1, upsertedId: 'b' });
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', _position: '010', v: 'kept' },
      { _id: 'b', _position: '001' },
    ]);
  });

  it('an unordered bulkWrite reports the failed guard in writeErrors and applies the other operations', async () => {
    const c = collection('bulk');
    await c.insertMany([
      { _id: 'a', _position: '009', v: 'a9' },
      { _id: 'b', _position: '001', v: 'b1' },
      { _id: 'gone', _position: '001' },
    ]);
    const failure = await c
      .bulkWrite(
        [
          {
            replaceOne: {
              filter: stale('b', '004'),
              replacement: { _position: '004', v: 'b4' },
              upsert: true,
            },
          },
          {
            replaceOne: {
              filter: stale('a', '005'),
              replacement: { _position: '005', v: 'a5' },
              upsert: true,
            },
          },
          {
            replaceOne: {
              filter: stale('c', '002'),
              replacement: { _position: '002', v: 'c2' },
              upsert: true,
            },
          },
          { updateOne: { filter: stale('a', '006'), update: { $set: { _position: '006' } }, upsert: true } },
          { deleteOne: { filter: stale('gone', '005') } },
        ],
        { ordered: false },
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(MongoBulkWriteError);
    const bulkError = failure as MongoBulkWriteError;
    expect(bulkError.code).toBe(11000);
    const writeErrors = [bulkError.writeErrors].flat();
    expect(writeErrors.map((e) => [e.index, e.code]).sort()).toEqual([
      [1, 11000],
      [3, 11000],
    ]);
    expect(bulkError.result).toMatchObject({
      matchedCount: 1,
      modifiedCount: 1,
      upsertedCount: 1,
      deletedCount: 1,
      upsertedIds: { 2: 'c' },
    });
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', _position: '009', v: 'a9' },
      { _id: 'b', _position: '004', v: 'b4' },
      { _id: 'c', _position: '002', v: 'c2' },
    ]);
  });

  it('an ordered bulkWrite stops at the failed guard, keeping what came before', async () => {
    const c = collection('ordered');
    await c.insertOne({ _id: 'a', _position: '009' });
    await expect(
      c.bulkWrite([
        { replaceOne: { filter: stale('b', '001'), replacement: { _position: '001' }, upsert: true } },
        { replaceOne: { filter: stale('a', '005'), replacement: { _position: '005' }, upsert: true } },
        { replaceOne: { filter: stale('c', '001'), replacement: { _position: '001' }, upsert: true } },
      ]),
    ).rejects.toMatchObject({ code: 11000 });
    expect((await c.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual(['a', 'b']);
  });

  it('a conditional deleteOne deletes only when the condition holds', async () => {
    const c = collection('delete');
    await c.insertOne({ _id: 'a', _position: '009' });
    expect((await c.deleteOne(stale('a', '005'))).deletedCount).toBe(0);
    expect(await c.countDocuments({ _id: 'a' })).toBe(1);
    expect((await c.deleteOne(stale('a', '010'))).deletedCount).toBe(1);
    expect(await c.countDocuments({ _id: 'a' })).toBe(0);
  });

  it('a guard on a numeric position compares numbers, not strings', async () => {
    const c = mongo.db.collection<{ _id: string; _position: number }>('numeric');
    await c.insertOne({ _id: 'a', _position: 10 });
    await expect(
      c.replaceOne({ _id: 'a', _position: { $lt: 9 } }, { _position: 9 }, { upsert: true }),
    ).rejects.toMatchObject({ code: 11000 });
    await c.replaceOne({ _id: 'a', _position: { $lt: 11 } }, { _position: 11 }, { upsert: true });
    expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', _position: 11 });
  });
});
