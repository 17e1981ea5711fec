import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient, jsonEvent, END, START } from '@eventstore/db-client';
import { spawnEmbeddedServer } from '../src/embedded/embedded-process';
import { fmt, medianRate, nowMs, peakRssMiB, report, runConcurrently, summarise } from './stats';

const CLI = join(__dirname, '../src/embedded/eventstore/cli.js');
const payload = {
  title: 'A meetup about event sourcing',
  city: 'Lisbon',
  capacity: 120,
  tags: ['es', 'cqrs'],
};
const event = (n: number) => jsonEvent({ type: 'BenchEvent', data: { n, ...payload } });

/**
 * The embedded event store, on disk in its own process as the app runs it, measured through
 * the real client from this process. Each throughput figure is the median of three runs after
 * a warm-up run.
 */
export async function benchEventStore(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-eventstore-'));
  const server = await spawnEmbeddedServer(CLI, ['--port', '0', '--data', dataDir]);
  const client = EventStoreDBClient.connectionString(server.url);
  try {
    console.log(`\nEmbedded EventStoreDB-compatible server (${server.url}, data on disk)`);
    await client.appendToStream('warmup-1', event(0));

    for (const concurrency of [1, 10]) {
      const total = concurrency === 1 ? 1000 : 5000;
      const rate = await medianRate(3, async (run) => {
        await runConcurrently(total, concurrency, (i, worker) =>
          client.appendToStream(`single${concurrency}-${run}-${worker}`, event(i)).then(() => undefined),
        );
        return total;
      });
      const target = concurrency === 10 ? '>= 3,000' : undefined;
      report(`single-event appends, concurrency ${concurrency} (appends/s)`, fmt(rate), target);
    }

    const batches = 500;
    const batchRate = await medianRate(3, async (run) => {
      await runConcurrently(batches, 10, (i) =>
        client
          .appendToStream(
            `batch-${run}-${i}`,
            Array.from({ length: 100 }, (_, k) => event(k)),
          )
          .then(() => undefined),
      );
      return batches * 100;
    });
    report('events in appends of 100, concurrency 10 (events/s)', fmt(batchRate), '>= 50,000');

    let read = 0;
    const readRate = await medianRate(3, async () => {
      read = 0;
      for await (const _ of client.readAll({ fromPosition: START })) read++;
      return read;
    });
    report(`$all read of ${fmt(read)} events (events/s)`, fmt(readRate), '>= 50,000');

    const afterAck: number[] = [];
    const roundTrip: number[] = [];
    const subscription = client.subscribeToStream('latency-1', { fromRevision: END });
    await new Promise((resolve) => subscription.once('confirmation', resolve));
    const received = new Map<number, number>();
    subscription.on('data', (resolved) => received.set((resolved.event!.data as { n: number }).n, nowMs()));
    for (let n = 0; n < 1000; n++) {
      const sent = nowMs();
      await client.appendToStream('latency-1', event(n));
      const acked = nowMs();
      while (!received.has(n)) await new Promise((resolve) => setImmediate(resolve));
      // The server sends the event to subscribers before it acknowledges the append.
      afterAck.push(Math.max(0, received.get(n)! - acked));
      roundTrip.push(received.get(n)! - sent);
    }
    await subscription.unsubscribe();
    const latency = summarise(afterAck);
    const total = summarise(roundTrip);
    report('live delivery after append ack, p50 (ms)', fmt(latency.p50, 2));
    report('live delivery after append ack, p99 (ms)', fmt(latency.p99, 2), '<= 20');
    report('append call to delivery, p50 / p99 (ms)', `${fmt(total.p50, 2)} / ${fmt(total.p99, 2)}`);

    report('peak RSS, server process (MiB)', fmt(peakRssMiB(server.child.pid!), 1));
    report('peak RSS, client process (MiB)', fmt(peakRssMiB(), 1));
  } finally {
    await client.dispose();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchEventStore().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
