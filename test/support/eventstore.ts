import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { EmbeddedEventStore, startEventStoreServer } from '../../src/embedded/eventstore/eventstore-server';

export interface EventStoreFixture {
  client: EventStoreDBClient;
  url: string;
  /** The embedded server, when the tests started one (EVENTSTORE_URL unset). */
  embedded?: EmbeddedEventStore;
  close(): Promise<void>;
}

/** A client for EVENTSTORE_URL when set, otherwise for a fresh in-memory embedded server. */
export async function openEventStore(): Promise<EventStoreFixture> {
  const external = process.env.EVENTSTORE_URL;
  const embedded = external ? undefined : await startEventStoreServer({ port: 0 });
  const url = external ?? embedded!.url;
  const client = EventStoreDBClient.connectionString(url);
  return {
    client,
    url,
    embedded,
    async close() {
      await client.dispose();
      await embedded?.close();
    },
  };
}

/** Stream names unique to one test, so the suite can share a real server. */
export const uniqueStream = (category = 'test'): string => `${category}-${randomUUID()}`;
