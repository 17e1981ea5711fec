import { once } from 'node:events';
import net from 'node:net';
import { MongoFixture, openMongo } from '../support/mongo';

const hostAndPort = (url: string) => {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port || 27017) };
};

describe('MongoDB contract: bad input', () => {
  let mongo: MongoFixture;
  beforeAll(async () => (mongo = await openMongo()));
  afterAll(() => mongo.close());

  it('rejects documents over 16 MiB', async () => {
    const huge = { blob: 'x'.repeat(16 * 1024 * 1024) };
    await expect(mongo.db.collection('big').insertOne(huge)).rejects.toThrow();
    expect(await mongo.db.collection('big').countDocuments()).toBe(0);
  });

  it('rejects $-prefixed field names', async () => {
    await expect(mongo.db.collection('names').insertOne({ $where: 'x' })).rejects.toMatchObject({
      code: expect.any(Number),
    });
    await expect(
      mongo.db.collection('names').replaceOne({}, { $set: 1 } as never, { upsert: true }),
    ).rejects.toThrow();
    expect(await mongo.db.collection('names').countDocuments()).toBe(0);
  });

  it('closes only the connection that sends a malformed message, and keeps serving others', async () => {
    for (const garbage of [
      Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4]),
      Buffer.concat([
        Buffer.from([26, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xdd, 0x07, 0, 0, 0, 0, 0, 0, 0]),
        Buffer.from([9, 9, 9, 9, 9]),
      ]),
      (() => {
        const frame = Buffer.alloc(21);
        frame.writeInt32LE(21, 0);
        frame.writeInt32LE(7, 12); // an opcode no server knows
        return frame;
      })(),
    ]) {
      const socket = net.connect(hostAndPort(mongo.url));
      await once(socket, 'connect');
      socket.on('error', () => undefined);
      socket.write(garbage);
      await once(socket, 'close');
    }
    await mongo.db.collection('alive').insertOne({ ok: true });
    expect(await mongo.db.collection('alive').countDocuments()).toBe(1);
  });
});
