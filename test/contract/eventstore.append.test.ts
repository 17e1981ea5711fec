import { randomUUID } from 'node:crypto';
import {
  ANY,
  binaryEvent,
  jsonEvent,
  MaxAppendSizeExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { EventStoreFixture, openEventStore, uniqueStream } from '../support/eventstore';
import { readAllOf } from '../support/read';

describe('EventStoreDB contract: append', () => {
  let es: EventStoreFixture;
  beforeAll(async () => (es = await openEventStore()));
  afterAll(() => es.close());

  const event = (n: number, id = randomUUID()) => jsonEvent({ id, type: 'Numbered', data: { n } });

  it('appends to a new stream with NO_STREAM and reports revision and position', async () => {
    const stream = uniqueStream();
    const result = await es.client.appendToStream(stream, [event(0), event(1)], {
      expectedRevision: NO_STREAM,
    });
    expect(result.success).toBe(true);
    expect(result.nextExpectedRevision).toBe(1n);
    expect(result.position!.commit).toBeGreaterThanOrEqual(0n);
    const events = await readAllOf(es.client, stream);
    expect(events.map((e) => e.revision)).toEqual([0n, 1n]);
    expect(events[1].position).toEqual(result.position);
  });

  it('rejects NO_STREAM on an existing stream with the actual revision, writing nothing', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, [event(0), event(1)]);
    const failure = es.client.appendToStream(stream, event(2), { expectedRevision: NO_STREAM });
    await expect(failure).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(failure).rejects.toMatchObject({
      actualVersion: 1n,
      expectedVersion: NO_STREAM,
      streamName: stream,
    });
    expect(await readAllOf(es.client, stream)).toHaveLength(2);
  });

  it('accepts STREAM_EXISTS only for an existing stream', async () => {
    const stream = uniqueStream();
    const missing = es.client.appendToStream(stream, event(0), { expectedRevision: STREAM_EXISTS });
    await expect(missing).rejects.toMatchObject({ actualVersion: NO_STREAM, expectedVersion: STREAM_EXISTS });
    await es.client.appendToStream(stream, event(0), { expectedRevision: NO_STREAM });
    const ok = await es.client.appendToStream(stream, event(1), { expectedRevision: STREAM_EXISTS });
    expect(ok.nextExpectedRevision).toBe(1n);
  });

  it('accepts an exact revision only when it is the current one', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, [event(0), event(1), event(2)]);
    const stale = es.client.appendToStream(stream, event(3), { expectedRevision: 1n });
    await expect(stale).rejects.toMatchObject({ actualVersion: 2n, expectedVersion: 1n });
    const ahead = es.client.appendToStream(stream, event(3), { expectedRevision: 5n });
    await expect(ahead).rejects.toMatchObject({ actualVersion: 2n, expectedVersion: 5n });
    const ok = await es.client.appendToStream(stream, event(3), { expectedRevision: 2n });
    expect(ok.nextExpectedRevision).toBe(3n);
    expect((await readAllOf(es.client, stream)).map((e) => e.data)).toEqual([0, 1, 2, 3].map((n) => ({ n })));
  });

  it('appends with ANY whatever the stream state', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, event(0), { expectedRevision: ANY });
    const result = await es.client.appendToStream(stream, event(1), { expectedRevision: ANY });
    expect(result.nextExpectedRevision).toBe(1n);
  });

  it('writes nothing of an append whose expected revision fails', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, event(0));
    const batch = Array.from({ length: 10 }, (_, i) => event(i + 1));
    await expect(es.client.appendToStream(stream, batch, { expectedRevision: 7n })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    expect(await readAllOf(es.client, stream)).toHaveLength(1);
  });

  it('treats a re-append of the same event ids at the same expected revision as done', async () => {
    const stream = uniqueStream();
    const events = [event(0), event(1)];
    const first = await es.client.appendToStream(stream, events, { expectedRevision: NO_STREAM });
    const again = await es.client.appendToStream(stream, events, { expectedRevision: NO_STREAM });
    expect(again.success).toBe(true);
    expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
    await es.client.appendToStream(stream, [event(2)], { expectedRevision: 1n });
    const repeatExact = await es.client.appendToStream(stream, events, { expectedRevision: NO_STREAM });
    expect(repeatExact.nextExpectedRevision).toBe(1n);
    expect(await readAllOf(es.client, stream)).toHaveLength(3);
  });

  it('round-trips ids, types, content types, data and metadata byte for byte', async () => {
    const stream = uniqueStream();
    const binary = Uint8Array.from([0, 1, 2, 250, 255, 128]);
    const json = { text: 'zoë ✓', nested: { list: [1, 2.5, null, true] }, big: '12345678901234567890' };
    const ids = [randomUUID(), randomUUID()];
    const before = Date.now();
    await es.client.appendToStream(stream, [
      jsonEvent({ id: ids[0], type: 'JsonThing', data: json, metadata: { correlationId: 'c-1' } }),
      binaryEvent({ id: ids[1], type: 'BinaryThing', data: binary, metadata: Uint8Array.from([9, 8, 7]) }),
    ]);
    const [first, second] = await readAllOf(es.client, stream);
    expect(first).toMatchObject({ id: ids[0], type: 'JsonThing', isJson: true, data: json });
    expect(first.metadata).toEqual({ correlationId: 'c-1' });
    expect(second).toMatchObject({ id: ids[1], type: 'BinaryThing', isJson: false });
    expect(Buffer.from(second.data as Uint8Array)).toEqual(Buffer.from(binary));
    expect(Buffer.from(second.metadata as Uint8Array)).toEqual(Buffer.from([9, 8, 7]));
    expect(first.created.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(first.created.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('rejects an append over the maximum append size and writes nothing', async () => {
    const stream = uniqueStream();
    const huge = binaryEvent({ type: 'Huge', data: new Uint8Array(1024 * 1024 + 1) });
    await expect(es.client.appendToStream(stream, huge)).rejects.toBeInstanceOf(MaxAppendSizeExceededError);
    await expect(readAllOf(es.client, stream)).rejects.toMatchObject({ type: 'stream-not-found' });
  });

  it('serialises concurrent appends: exactly one of many racing writers at one revision wins', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, event(0));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        es.client.appendToStream(stream, event(i + 1), { expectedRevision: 0n }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await readAllOf(es.client, stream)).toHaveLength(2);
  });
});
