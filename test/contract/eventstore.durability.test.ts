import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient, jsonEvent, START } from '@eventstore/db-client';
import { spawnEventStore } from '../support/eventstore-process';
import { readAllOf } from '../support/read';

// Kills and restarts the embedded server's process: meaningful only for the embedded server.
const describeEmbedded = process.env.EVENTSTORE_URL ? describe.skip : describe;

describeEmbedded('embedded event store durability', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'eventstore-durability-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every acknowledged append whole through SIGKILL, and positions keep growing after restart', async () => {
    const first = await spawnEventStore(dataDir);
    const client = EventStoreDBClient.connectionString(first.url);
    const acknowledged: number[] = [];
    let writing = true;
    const writer = (async () => {
      for (let batch = 0; writing; batch++) {
        const numbers = Array.from({ length: 5 }, (_, i) => batch * 5 + i);
        try {
          await client.appendToStream(
            'durable-1',
            numbers.map((n) => jsonEvent({ type: 'Numbered', data: { n } })),
          );
          acknowledged.push(...numbers);
        } catch {
          return;
        }
      }
    })();
    while (acknowledged.length < 1000) await new Promise((resolve) => setTimeout(resolve, 5));
    await first.kill();
    writing = false;
    await writer;
    await client.dispose();

    const second = await spawnEventStore(dataDir);
    const reader = EventStoreDBClient.connectionString(second.url);
    try {
      const stored = await readAllOf(reader, 'durable-1');
      const numbers = stored.map((e) => (e.data as { n: number }).n);
      expect(numbers.slice(0, acknowledged.length)).toEqual(acknowledged);
      expect(stored.length % 5).toBe(0);
      expect(stored.map((e) => e.revision)).toEqual(stored.map((_, i) => BigInt(i)));

      const lastBefore = stored[stored.length - 1].position!.commit;
      const after = await reader.appendToStream('durable-2', jsonEvent({ type: 'AfterRestart', data: {} }));
      expect(after.position!.commit).toBeGreaterThan(lastBefore);

      const all = [];
      for await (const resolved of reader.readAll({ fromPosition: START }))
        all.push(resolved.event!.position!.commit);
      expect([...all].sort((a, b) => (a < b ? -1 : 1))).toEqual(all);
    } finally {
      await reader.dispose();
      expect(await second.stop()).toBe(0);
    }
  });

  it('refuses to start a second server on a data directory in use', async () => {
    const first = await spawnEventStore(dataDir);
    try {
      await expect(spawnEventStore(dataDir)).rejects.toThrow(/in use by another server/);
    } finally {
      await first.stop();
    }
  });
});
