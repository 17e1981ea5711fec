import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BSON, Document } from 'bson';
import { MongoFixture, openMongo } from '../support/mongo';

const OP_MSG = 2013;
const MAX_MESSAGE_SIZE = 48_000_000;
// Timing against a server elsewhere says nothing about the server; those checks run embedded only.
const itEmbedded = process.env.MONGODB_URL ? it.skip : it;

const hostAndPort = (url: string) => {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port || 27017) };
};

/** An OP_MSG frame: a body section, then optional document sequences. */
function opMsg(requestId: number, body: Document, sequences: Record<string, Document[]> = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  for (const [name, documents] of Object.entries(sequences)) {
    const docs = documents.map((doc) => Buffer.from(BSON.serialize(doc)));
    const nameBytes = Buffer.from(`${name}\0`);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + nameBytes.length + docs.reduce((sum, d) => sum + d.length, 0));
    parts.push(Buffer.from([1]), size, nameBytes, ...docs);
  }
  const header = Buffer.alloc(20);
  const length = header.length + parts.reduce((sum, p) => sum + p.length, 0);
  header.writeInt32LE(length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(OP_MSG, 12);
  return Buffer.concat([header, ...parts], length);
}

/** A raw connection that reads whole OP_MSG replies. */
async function rawConnection(url: string) {
  const socket = net.connect(hostAndPort(url));
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  let pending = Buffer.alloc(0);
  const replies: Document[] = [];
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
      const frame = pending.subarray(0, pending.readInt32LE(0));
      pending = pending.subarray(frame.length);
      replies.push(BSON.deserialize(frame.subarray(21)));
      waiters.splice(0).forEach((wake) => wake());
    }
  });
  const closed = once(socket, 'close').then(() => true);
  return {
    socket,
    closed,
    /** The next reply, or undefined if the connection closes first. */
    async reply(): Promise<Document | undefined> {
      while (replies.length === 0) {
        const arrived = new Promise<boolean>((resolve) => waiters.push(() => resolve(false)));
        if (await Promise.race([arrived, closed])) return undefined;
      }
      return replies.shift();
    },
  };
}

describe('MongoDB contract: wire protocol framing', () => {
  let mongo: MongoFixture;
  beforeAll(async () => (mongo = await openMongo()));
  afterAll(() => mongo.close());

  itEmbedded(
    'reads a 40 MB message sent in 16 KiB chunks promptly, while other clients keep being answered',
    async () => {
      // 40 documents of 1 MB in one insert: a message of about 40 MB, under the 48 MB limit.
      const documents = Array.from({ length: 40 }, (_, i) => ({ _id: i, blob: 'x'.repeat(1_000_000) }));
      const frame = opMsg(1, { insert: 'big', ordered: true, $db: mongo.db.databaseName }, { documents });
      expect(frame.length).toBeGreaterThan(40_000_000);
      expect(frame.length).toBeLessThan(MAX_MESSAGE_SIZE);
      await mongo.db.command({ ping: 1 }); // the pinging connection is open before the upload starts

      const sender = await rawConnection(mongo.url);
      let sending = true;
      const pingTimes: number[] = [];
      const pinger = (async () => {
        while (sending) {
          const started = performance.now();
          await mongo.db.command({ ping: 1 });
          pingTimes.push(performance.now() - started);
          await sleep(5);
        }
      })();

      const started = performance.now();
      for (let at = 0; at < frame.length; at += 16 * 1024) {
        if (!sender.socket.write(frame.subarray(at, at + 16 * 1024))) await once(sender.socket, 'drain');
      }
      const reply = await sender.reply();
      const elapsed = performance.now() - started;
      sending = false;
      await pinger;
      sender.socket.destroy();

      expect(reply).toEqual({ n: 40, ok: 1 });
      expect(await mongo.db.collection('big').countDocuments()).toBe(40);
      // Reading is linear: the whole upload takes a fraction of a second here (quadratic took seconds).
      expect(elapsed).toBeLessThan(3000);
      expect(pingTimes.length).toBeGreaterThanOrEqual(2);
      // No ping waits for the upload: only, at most, for the insert of 40 MB once it is read (a few
      // hundred ms on a loaded machine; reading in quadratic time held them for seconds).
      expect(Math.max(...pingTimes)).toBeLessThan(1000);
    },
    30_000,
  );

  it('refuses a message declaring more than the maximum message size without waiting for its body', async () => {
    const { maxMessageSizeBytes } = await mongo.db.command({ hello: 1 });
    const connection = await rawConnection(mongo.url);
    const header = Buffer.alloc(16);
    header.writeInt32LE(maxMessageSizeBytes + 1, 0);
    header.writeInt32LE(1, 4);
    header.writeInt32LE(OP_MSG, 12);
    connection.socket.write(header);
    // Only the header was sent: a server waiting for the declared bytes would never close.
    expect(await Promise.race([connection.closed, sleep(2000).then(() => false)])).toBe(true);
    expect(await mongo.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('reads messages split anywhere, even inside the length, and several messages in one write', async () => {
    const connection = await rawConnection(mongo.url);
    const ping = (id: number) => opMsg(id, { ping: 1, $db: 'admin' });
    const first = ping(1);
    for (let at = 0; at < first.length; at++) {
      connection.socket.write(first.subarray(at, at + 1));
      await sleep(1);
    }
    expect(await connection.reply()).toMatchObject({ ok: 1 });

    connection.socket.write(Buffer.concat([ping(2), ping(3), ping(4).subarray(0, 2)]));
    expect(await connection.reply()).toMatchObject({ ok: 1 });
    expect(await connection.reply()).toMatchObject({ ok: 1 });
    connection.socket.write(ping(4).subarray(2));
    expect(await connection.reply()).toMatchObject({ ok: 1 });
    connection.socket.destroy();
  });
});
