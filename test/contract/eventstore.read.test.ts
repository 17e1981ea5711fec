import { BACKWARDS, END, FORWARDS, jsonEvent, START, StreamNotFoundError } from '@eventstore/db-client';
import { EventStoreFixture, openEventStore, uniqueStream } from '../support/eventstore';
import { readAllOf } from '../support/read';

describe('EventStoreDB contract: read', () => {
  let es: EventStoreFixture;
  beforeAll(async () => (es = await openEventStore()));
  afterAll(() => es.close());

  const numbered = (count: number, from = 0) =>
    Array.from({ length: count }, (_, i) => jsonEvent({ type: 'Numbered', data: { n: from + i } }));
  const numbers = (events: { data: unknown }[]) => events.map((e) => (e.data as { n: number }).n);

  async function readAllStream(options: Parameters<EventStoreFixture['client']['readAll']>[0]) {
    const events = [];
    for await (const resolved of es.client.readAll(options)) events.push(resolved.event!);
    return events;
  }

  it('reads a stream forwards and backwards, from a revision, with maxCount', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(10));
    expect(numbers(await readAllOf(es.client, stream))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(numbers(await readAllOf(es.client, stream, { fromRevision: 4n, maxCount: 3 }))).toEqual([4, 5, 6]);
    expect(numbers(await readAllOf(es.client, stream, { direction: BACKWARDS, fromRevision: END }))).toEqual([
      9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
    ]);
    expect(
      numbers(await readAllOf(es.client, stream, { direction: BACKWARDS, fromRevision: 5n, maxCount: 2 })),
    ).toEqual([5, 4]);
    expect(await readAllOf(es.client, stream, { fromRevision: 10n })).toEqual([]);
  });

  it('reads long streams across pages without loss', async () => {
    const stream = uniqueStream();
    for (let i = 0; i < 5; i++) await es.client.appendToStream(stream, numbered(300, i * 300));
    const events = await readAllOf(es.client, stream);
    expect(numbers(events)).toEqual(Array.from({ length: 1500 }, (_, i) => i));
    const backwards = await readAllOf(es.client, stream, { direction: BACKWARDS, fromRevision: END });
    expect(numbers(backwards)).toEqual(Array.from({ length: 1500 }, (_, i) => 1499 - i));
  });

  it("gives the client's stream-not-found error for a missing stream", async () => {
    await expect(readAllOf(es.client, uniqueStream())).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('orders $all by strictly increasing commit and prepare positions in append order', async () => {
    const a = uniqueStream('a');
    const b = uniqueStream('b');
    await es.client.appendToStream(a, numbered(2));
    await es.client.appendToStream(b, numbered(2, 2));
    await es.client.appendToStream(a, numbered(2, 4));
    const mine = (await readAllStream({ fromPosition: START })).filter((e) => [a, b].includes(e.streamId));
    expect(numbers(mine)).toEqual([0, 1, 2, 3, 4, 5]);
    for (let i = 1; i < mine.length; i++) {
      expect(mine[i].position!.commit).toBeGreaterThan(mine[i - 1].position!.commit);
      expect(mine[i].position!.prepare).toBeGreaterThan(mine[i - 1].position!.prepare);
    }
  });

  it('reads $all forwards from a position (inclusive) and backwards from one (exclusive)', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(5));
    const events = await readAllOf(es.client, stream);
    const third = events[2].position!;
    const forwards = await readAllStream({ fromPosition: third, maxCount: 3, direction: FORWARDS });
    expect(numbers(forwards)).toEqual([2, 3, 4]);
    const backwards = await readAllStream({ fromPosition: third, maxCount: 2, direction: BACKWARDS });
    expect(numbers(backwards)).toEqual([1, 0]);
  });

  it('reads $all backwards from the end, newest first', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, numbered(3));
    const latest = await readAllStream({ fromPosition: END, direction: BACKWARDS, maxCount: 3 });
    expect(latest.map((e) => e.streamId)).toEqual([stream, stream, stream]);
    expect(numbers(latest)).toEqual([2, 1, 0]);
  });
});
