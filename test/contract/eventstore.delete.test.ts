import {
  jsonEvent,
  NO_STREAM,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { EventStoreFixture, openEventStore, uniqueStream } from '../support/eventstore';
import { readAllOf } from '../support/read';

describe('EventStoreDB contract: delete, tombstone and stream metadata', () => {
  let es: EventStoreFixture;
  beforeAll(async () => (es = await openEventStore()));
  afterAll(() => es.close());

  const numbered = (count: number, from = 0) =>
    Array.from({ length: count }, (_, i) => jsonEvent({ type: 'Numbered', data: { n: from + i } }));

  it('soft-deletes: the stream reads as not found, and a new append continues from the next revision', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(3));
    const deleted = await es.client.deleteStream(stream);
    expect(deleted.position).toBeDefined();
    await expect(readAllOf(es.client, stream)).rejects.toBeInstanceOf(StreamNotFoundError);

    const revived = await es.client.appendToStream(stream, numbered(1, 3));
    expect(revived.nextExpectedRevision).toBe(3n);
    const events = await readAllOf(es.client, stream);
    expect(events.map((e) => [e.revision, e.data])).toEqual([[3n, { n: 3 }]]);
  });

  it('checks the expected revision of a delete', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(2));
    await expect(es.client.deleteStream(stream, { expectedRevision: 0n })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    await es.client.deleteStream(stream, { expectedRevision: 1n });
    await expect(readAllOf(es.client, stream)).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('tombstones: reads, appends and deletes then fail with the stream-deleted error', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(2));
    await es.client.tombstoneStream(stream);
    await expect(readAllOf(es.client, stream)).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(es.client.appendToStream(stream, numbered(1))).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(
      es.client.appendToStream(stream, numbered(1), { expectedRevision: NO_STREAM }),
    ).rejects.toMatchObject({ type: 'stream-deleted' });
    await expect(es.client.tombstoneStream(stream)).rejects.toBeInstanceOf(StreamDeletedError);
  });

  it('stores stream metadata and honours truncateBefore', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(5));
    await es.client.setStreamMetadata(stream, { truncateBefore: 3, custom: { owner: 'tests' } });
    const { metadata } = await es.client.getStreamMetadata(stream);
    expect(metadata).toMatchObject({ truncateBefore: 3, custom: { owner: 'tests' } });
    const events = await readAllOf(es.client, stream);
    expect(events.map((e) => e.revision)).toEqual([3n, 4n]);
  });
});
