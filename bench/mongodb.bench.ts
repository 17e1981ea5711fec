import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnyBulkWriteOperation, Document, MongoClient } from 'mongodb';
import { spawnEmbeddedServer } from '../src/embedded/embedded-process';
import { fmt, medianRate, peakRssMiB, report, runConcurrently } from './stats';

const CLI = join(__dirname, '../src/embedded/mongodb/cli.js');
const DOCUMENTS = 100_000;
const kib = 'x'.repeat(900);

/**
 * The embedded MongoDB-compatible server, on disk in its own process, measured through the
 * driver. Throughput figures are the median of three runs after a warm-up run.
 */
export async function benchMongo(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-mongodb-'));
  const server = await spawnEmbeddedServer(CLI, ['--port', '0', '--data', dataDir]);
  const client = await MongoClient.connect(server.url);
  const db = client.db('bench');
  try {
    console.log(`\nEmbedded MongoDB-compatible server (${server.url}, data on disk)`);
    for (const batch of [1, 100, 1000]) {
      const total = batch === 1 ? 2000 : 20_000;
      const rate = await medianRate(3, async (run) => {
        const upserts = db.collection(`upserts_${batch}`);
        for (let start = 0; start < total; start += batch) {
          const operations: AnyBulkWriteOperation<Document>[] = Array.from({ length: batch }, (_, i) => ({
            replaceOne: {
              filter: { _id: `doc-${(start + i) % 5000}` as never },
              replacement: { run, n: start + i, title: 'A read model document', city: 'Lisbon' },
              upsert: true,
            },
          }));
          await upserts.bulkWrite(operations, { ordered: true });
        }
        return total;
      });
      report(
        `bulkWrite upserts by _id, batches of ${fmt(batch)} (docs/s)`,
        fmt(rate),
        batch === 1000 ? '>= 20,000' : undefined,
      );
    }

    const meetups = db.collection('meetups');
    await meetups.createIndex({ startsAt: 1 });
    for (let start = 0; start < DOCUMENTS; start += 1000) {
      await meetups.insertMany(
        Array.from({ length: 1000 }, (_, i) => {
          const n = start + i;
          return {
            _id: `m-${n}` as never,
            startsAt: new Date(Date.UTC(2027, 0, 1) + n * 60_000),
            city: `c${n % 50}`,
            n,
            body: kib,
          };
        }),
      );
    }

    const findRate = await medianRate(3, async () => {
      const total = 10_000;
      await runConcurrently(total, 10, async (i) => {
        await meetups.findOne({ _id: `m-${(i * 7919) % DOCUMENTS}` as never });
      });
      return total;
    });
    report('find by _id, concurrency 10 (queries/s)', fmt(findRate), '>= 5,000');

    const rangeRate = await medianRate(3, async () => {
      const total = 1000;
      await runConcurrently(total, 10, async (i) => {
        const from = new Date(Date.UTC(2027, 0, 1) + ((i * 104_729) % DOCUMENTS) * 60_000);
        await meetups
          .find({ startsAt: { $gte: from } })
          .sort({ startsAt: 1 })
          .limit(20)
          .toArray();
      });
      return total;
    });
    report(
      `indexed range query, sorted, limit 20, over ${fmt(DOCUMENTS)} docs (queries/s)`,
      fmt(rangeRate),
      '>= 500',
    );
    report(
      `peak RSS of the server with ${fmt(DOCUMENTS)} 1-KiB documents (MiB)`,
      fmt(peakRssMiB(server.child.pid!), 1),
      '<= 600',
    );
  } finally {
    await client.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchMongo().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
