import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  ReadAllOptions,
  START,
} from '@eventstore/db-client';
import { startEventStoreServer } from '../../src/embedded/eventstore/eventstore-server';
import { EventStoreFixture, openEventStore, uniqueStream } from '../support/eventstore';
import { waitFor } from '../support/read';

async function readAll(client: EventStoreDBClient, options: ReadAllOptions = {}) {
  const events = [];
  for await (const resolved of client.readAll({ fromPosition: START, direction: FORWARDS, ...options })) {
    events.push(resolved.event!);
  }
  return events;
}

describe('EventStoreDB contract: a new store holds the system events of a new node', () => {
  let es: EventStoreFixture;
  beforeAll(async () => (es = await openEventStore()));
  afterAll(() => es.close());

  it('starts $all with system events, in $-prefixed streams with $-prefixed types', async () => {
    await es.client.appendToStream(uniqueStream(), jsonEvent({ type: 'Mine', data: {} }));
    const [first] = await readAll(es.client, { maxCount: 1 });
    expect(first.streamId).toMatch(/^\$/);
    expect(first.type).toMatch(/^\$/);
  });

  it('hides them from subscribers that exclude system events', async () => {
    const stream = uniqueStream();
    const subscription = es.client.subscribeToAll({ fromPosition: START, filter: excludeSystemEvents() });
    const types: string[] = [];
    subscription.on('data', (resolved) => types.push(resolved.event!.type));
    try {
      await es.client.appendToStream(stream, jsonEvent({ type: 'MineToo', data: {} }));
      await waitFor(() => types.includes('MineToo'));
      expect(types.filter((type) => type.startsWith('$'))).toEqual([]);
    } finally {
      await subscription.unsubscribe();
    }
  });
});

// Needs a new store of its own, and a restart: meaningful only for the embedded server.
const describeEmbedded = process.env.EVENTSTORE_URL ? describe.skip : describe;

describeEmbedded('embedded event store: system events of a new store', () => {
  it('writes the metadata of $scavenges, as a new insecure node does', async () => {
    const server = await startEventStoreServer({ port: 0 });
    const client = EventStoreDBClient.connectionString(server.url);
    try {
      const events = await readAll(client);
      expect(events.map((e) => [e.streamId, Number(e.revision), e.type])).toEqual([
        ['$$$scavenges', 0, '$metadata'],
      ]);
      expect(events[0].position).toEqual({ commit: 0n, prepare: 0n });
      const { metadata } = await client.getStreamMetadata('$scavenges');
      expect(metadata).toEqual({
        maxAge: 2592000,
        acl: { readRoles: '$ops', writeRoles: [], deleteRoles: [], metaReadRoles: [], metaWriteRoles: [] },
      });
    } finally {
      await client.dispose();
      await server.close();
    }
  });

  it('writes them once per data directory: a restart adds none, and positions keep growing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'eventstore-fresh-'));
    try {
      const first = await startEventStoreServer({ port: 0, dataDir });
      let client = EventStoreDBClient.connectionString(first.url);
      const written = await client.appendToStream(uniqueStream(), jsonEvent({ type: 'Mine', data: {} }));
      const before = await readAll(client);
      await client.dispose();
      await first.close();

      const second = await startEventStoreServer({ port: 0, dataDir });
      client = EventStoreDBClient.connectionString(second.url);
      try {
        const after = await readAll(client);
        expect(after.map((e) => e.id)).toEqual(before.map((e) => e.id));
        expect(after.filter((e) => e.type.startsWith('$'))).toHaveLength(1);
        const later = await client.appendToStream(uniqueStream(), jsonEvent({ type: 'Mine', data: {} }));
        expect(later.position!.commit).toBeGreaterThan(written.position!.commit);
      } finally {
        await client.dispose();
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
