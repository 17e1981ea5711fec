import { Document } from 'bson';
import { update as mingoUpdate } from 'mingo';
import { CommandContext } from '../command-context';
import { Cursors } from '../cursors';
import { Databases } from '../database';
import { Storage } from '../storage';
import { queryCommands } from './query';
import { writeCommands } from './write';

/** `$set` of scalars to top-level fields skips mingo's `update`: it must still give what mingo gives. */
describe('update with $set of top-level scalars', () => {
  const cursors = new Cursors();
  afterAll(() => cursors.close());
  const context = (databases: Databases): CommandContext => ({
    db: 'test',
    databases,
    cursors,
    connectionId: 1,
    changes: [],
  });

  const values: unknown[] = [null, 0, -0, 1, 2.5, NaN, '', 'a', 'b', true, false, new Date(0), new Date(5)];
  const fields = ['a', 'b', 'c'];

  it('leaves equal fields as they are, assigns the others and appends new ones in order, as mingo does', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const pick = () => values[Math.floor(random() * values.length)];
    for (let i = 0; i < 300; i++) {
      const databases = new Databases(new Storage());
      const doc: Document = { _id: `d${i}` };
      for (const field of fields) if (random() < 0.6) doc[field] = pick();
      const set: Document = {};
      for (const field of [...fields].reverse()) if (random() < 0.6) set[field] = pick();
      if (Object.keys(set).length === 0) continue;
      writeCommands.insert({ insert: 'c', documents: [{ ...doc }] }, context(databases));
      const reply = writeCommands.update(
        { update: 'c', updates: [{ q: { _id: doc._id }, u: { $set: set } }] },
        context(databases),
      );
      const expected = { ...doc };
      mingoUpdate(expected, { $set: set }, undefined, undefined, { cloneMode: 'none' });
      const stored = databases.get('test.c')!.documents.values().next().value!;
      expect(Object.keys(stored)).toEqual(Object.keys(expected));
      for (const key of Object.keys(expected)) expect(stored[key]).toEqual(expected[key]);
      const changed = Object.keys(set).some(
        (k) => !Object.is(doc[k], expected[k]) && !sameDate(doc[k], expected[k]),
      );
      expect(reply).toMatchObject({ n: 1, nModified: changed ? 1 : 0 });
    }
  });

  it('still refuses $set of _id through mingo', () => {
    const databases = new Databases(new Storage());
    writeCommands.insert({ insert: 'c', documents: [{ _id: 'x', a: 1 }] }, context(databases));
    const reply = writeCommands.update(
      { update: 'c', updates: [{ q: { _id: 'x' }, u: { $set: { _id: 'y' } } }] },
      context(databases),
    );
    expect(reply.writeErrors).toHaveLength(1);
  });

  it('finds documents by string ids, with $eq and $in, without a query', () => {
    const databases = new Databases(new Storage());
    const documents = [{ _id: 'a' }, { _id: 'b' }, { _id: 1 }, { _id: 'c', n: 2 }];
    writeCommands.insert({ insert: 'c', documents }, context(databases));
    const find = (filter: Document) =>
      queryCommands.find({ find: 'c', filter }, context(databases)).cursor.firstBatch as Document[];
    expect(find({ _id: 'c' })).toEqual([{ _id: 'c', n: 2 }]);
    expect(find({ _id: { $eq: 'a' } })).toEqual([{ _id: 'a' }]);
    expect(find({ _id: { $in: ['c', 'a', 'x', 'a'] } }).map((d) => d._id)).toEqual(['c', 'a']);
    expect(find({ _id: { $in: [] } })).toEqual([]);
    expect(find({ _id: '1' })).toEqual([]);
  });
});

const sameDate = (a: unknown, b: unknown) => a instanceof Date && b instanceof Date && +a === +b;
