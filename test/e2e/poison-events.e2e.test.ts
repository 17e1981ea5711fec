import { randomUUID } from 'node:crypto';
import { jsonEvent } from '@eventstore/db-client';
import { Db, MongoClient } from 'mongodb';
import { DomainEvent } from '../../src/eventsourcing/deciders/decider';
import { RecordedDomainEvent } from '../../src/eventsourcing/event-store/event-metadata';
import { EventSchemaRegistry } from '../../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../../src/eventsourcing/event-store/event-serializer';
import {
  ProjectedDocument,
  ProjectionDefinition,
} from '../../src/eventsourcing/projections/projection-definition';
import { ProjectionEngine } from '../../src/eventsourcing/projections/projection-engine';
import { ProjectionReplay } from '../../src/eventsourcing/projections/projection-replay';
import { CheckpointStore } from '../../src/eventsourcing/subscriptions/checkpoint-store';
import { PARKED_EVENTS, ParkedEvents } from '../../src/eventsourcing/subscriptions/parked-events';
import { ReactorHost } from '../../src/eventsourcing/subscriptions/reactor-host';
import { SubscriptionRunner } from '../../src/eventsourcing/subscriptions/subscription-runner';
import { useTestApp } from '../support/app';
import { ADMIN_ENV, logInAsAdmin, signUp, TestUser } from '../support/identity';
import { waitFor } from '../support/read';

const PARKED = `query ($consumer: String!) {
  parkedEvents(consumer: $consumer) { id consumer eventId streamId type position error attempts state }
}`;
const REPLAY = `mutation ($consumer: String!) {
  replayParkedEvents(consumer: $consumer) { id eventId error attempts state replayedAt }
}`;
const DISCARD = `mutation ($id: ID!) { discardParkedEvent(id: $id) { id eventId state } }`;

const codeOf = (response: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  response.errors?.[0]?.extensions?.code;

interface Appended {
  eventId: string;
  position: bigint;
}

type Tallied = DomainEvent<'Tallied', { tallyId: string; value: number }>;
interface TallyDocument extends ProjectedDocument {
  values: number[];
}

/** What the test's handlers fail on (`<tally or mark>/<value>` → error), until the cause is "fixed". */
const failing = new Map<string, string>();

/** A read model listing the values of each tally in the order they were applied. */
const tally = (collection: string): ProjectionDefinition<TallyDocument, Tallied> => ({
  name: 'tally',
  version: 1,
  collection,
  indexes: [],
  handles: ['Tallied'],
  documentId: (event) => event.data.tallyId,
  apply(document, event) {
    const error = failing.get(`${event.data.tallyId}/${event.data.value}`);
    if (error) throw new Error(error);
    return { _id: event.data.tallyId, values: [...(document?.values ?? []), event.data.value] };
  },
});

describe('poison events', () => {
  const app = useTestApp({ ...ADMIN_ENV, PARK_AFTER_ATTEMPTS: '3' });
  const serializer = new EventSerializer(new EventSchemaRegistry());
  let mongo: MongoClient;
  let db: Db;
  let admin: TestUser;

  beforeAll(async () => {
    mongo = await MongoClient.connect(app.stores.mongoUrl);
    db = mongo.db(app.stores.mongoDatabase);
    admin = await logInAsAdmin(app);
  });
  afterAll(async () => {
    await mongo.close();
  });

  const asAdmin = (query: string, variables: Record<string, unknown>) =>
    app.gql(query, variables, admin.headers);

  async function append(stream: string, type: string, data: Record<string, unknown>): Promise<Appended> {
    const event = jsonEvent({ type, data });
    const result = await app.client.appendToStream(stream, event);
    return { eventId: event.id, position: result.position!.commit };
  }
  const tallied = (tallyId: string, value: number) =>
    append(`tally-${tallyId}`, 'Tallied', { tallyId, value });

  /**
   * The tally projection run the way the worker runs projections, but in a process of its own
   * (as with ROLE=worker beside the app): replays asked over HTTP reach it only through MongoDB.
   * Its first batch waits for `gate`, so the events appended meanwhile come in one batch.
   */
  async function startTally(gate: Promise<void> = Promise.resolve()) {
    const name = `projection:tally-${randomUUID()}:v1`;
    const collection = `tallies_${randomUUID().slice(0, 8)}`;
    const engine = new ProjectionEngine(db, tally(collection));
    const replay = new ProjectionReplay(app.client, serializer, db, engine);
    const batches: RecordedDomainEvent[][] = [];
    const runner = new SubscriptionRunner(app.client, serializer, new CheckpointStore(db), {
      name,
      handles: ['Tallied'],
      async handle(events) {
        batches.push(events);
        await gate;
        await engine.applyBatch(events);
      },
      replay: (events, context) => replay.replay(events, context),
      parking: { store: new ParkedEvents(db), afterAttempts: 3, pollMs: 50 },
      minBackoffMs: 5,
      maxBackoffMs: 20,
    });
    await runner.start();
    const valuesOf = async (tallyId: string) =>
      (await db.collection<TallyDocument>(collection).findOne({ _id: tallyId }))?.values;
    return { name, runner, batches, valuesOf };
  }

  it('parks a poison event after N attempts while the rest flow, then a replay applies it once, in its place', async () => {
    const tallyId = randomUUID();
    failing.set(`${tallyId}/3`, 'cannot tally 3');
    let open!: () => void;
    const { name, runner, batches, valuesOf } = await startTally(new Promise((resolve) => (open = resolve)));
    try {
      const events: Appended[] = [];
      for (const value of [1, 2, 3, 4, 5]) events.push(await tallied(tallyId, value));
      open();
      expect(await runner.waitFor(events[4].position, 10_000)).toBe(true);
      expect(await valuesOf(tallyId)).toEqual([1, 2, 4, 5]);
      // The poison event came in a batch with others: they were applied without it, in order.
      expect(batches.some((b) => b.length > 1 && b.some((e) => e.eventId === events[2].eventId))).toBe(true);
      const triedAlone = batches.filter((b) => b.length === 1 && b[0].eventId === events[2].eventId);
      expect(triedAlone).toHaveLength(3);
      await waitFor(() => runner.status().parked === 1);

      // The read model keeps updating.
      const sixth = await tallied(tallyId, 6);
      expect(await runner.waitFor(sixth.position, 10_000)).toBe(true);
      expect(await valuesOf(tallyId)).toEqual([1, 2, 4, 5, 6]);

      const listed = await asAdmin(PARKED, { consumer: name });
      expect(listed.errors).toBeUndefined();
      expect(listed.data!.parkedEvents).toEqual([
        {
          id: expect.any(String),
          consumer: name,
          eventId: events[2].eventId,
          streamId: `tally-${tallyId}`,
          type: 'Tallied',
          position: String(events[2].position),
          error: 'cannot tally 3',
          attempts: 3,
          state: 'PARKED',
        },
      ]);

      failing.delete(`${tallyId}/3`);
      const replayed = await asAdmin(REPLAY, { consumer: name });
      expect(replayed.errors).toBeUndefined();
      expect(replayed.data!.replayParkedEvents).toEqual([
        expect.objectContaining({
          eventId: events[2].eventId,
          state: 'REPLAYED',
          replayedAt: expect.any(String),
        }),
      ]);
      // Applied where it belongs, as if it had never failed.
      expect(await valuesOf(tallyId)).toEqual([1, 2, 3, 4, 5, 6]);

      expect((await asAdmin(REPLAY, { consumer: name })).data!.replayParkedEvents).toEqual([]);
      expect((await asAdmin(PARKED, { consumer: name })).data!.parkedEvents).toEqual([]);
      expect(await valuesOf(tallyId)).toEqual([1, 2, 3, 4, 5, 6]);
      await waitFor(() => runner.status().parked === 0);

      // A process that died after its replay's write, before recording it, replays it again at its next look.
      const id = listed.data!.parkedEvents[0].id;
      await db.collection(PARKED_EVENTS).updateOne({ _id: id }, { $set: { state: 'replay-requested' } });
      await waitFor(
        async () => (await db.collection(PARKED_EVENTS).findOne({ _id: id }))?.state === 'replayed',
      );
      expect(await valuesOf(tallyId)).toEqual([1, 2, 3, 4, 5, 6]);

      const seventh = await tallied(tallyId, 7);
      expect(await runner.waitFor(seventh.position, 10_000)).toBe(true);
      expect(await valuesOf(tallyId)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    } finally {
      await runner.stop();
    }
  });

  it('keeps a replay that fails again parked with its new error, and never applies a discarded event', async () => {
    const tallyId = randomUUID();
    failing.set(`${tallyId}/20`, 'cannot tally 20');
    failing.set(`${tallyId}/30`, 'cannot tally 30');
    const { name, runner, valuesOf } = await startTally();
    try {
      const events: Appended[] = [];
      for (const value of [10, 20, 30, 40]) events.push(await tallied(tallyId, value));
      expect(await runner.waitFor(events[3].position, 10_000)).toBe(true);
      expect(await valuesOf(tallyId)).toEqual([10, 40]);
      const parked = (await asAdmin(PARKED, { consumer: name })).data!.parkedEvents;
      expect(parked.map((p: { eventId: string }) => p.eventId)).toEqual([
        events[1].eventId,
        events[2].eventId,
      ]);

      const discarded = await asAdmin(DISCARD, { id: parked[0].id.toUpperCase() });
      expect(discarded.data!.discardParkedEvent).toEqual({
        id: parked[0].id,
        eventId: events[1].eventId,
        state: 'DISCARDED',
      });
      expect(codeOf(await asAdmin(DISCARD, { id: parked[0].id }))).toBe('PARKED_EVENT_NOT_FOUND');

      failing.set(`${tallyId}/30`, 'still cannot tally 30');
      expect((await asAdmin(REPLAY, { consumer: name })).data!.replayParkedEvents).toEqual([
        expect.objectContaining({
          eventId: events[2].eventId,
          state: 'PARKED',
          error: 'still cannot tally 30',
          attempts: 4,
          replayedAt: null,
        }),
      ]);
      expect(await valuesOf(tallyId)).toEqual([10, 40]);

      failing.clear();
      expect((await asAdmin(REPLAY, { consumer: name })).data!.replayParkedEvents).toEqual([
        expect.objectContaining({ eventId: events[2].eventId, state: 'REPLAYED' }),
      ]);
      // The document is folded again from its history, without the discarded event.
      expect(await valuesOf(tallyId)).toEqual([10, 30, 40]);
    } finally {
      await runner.stop();
    }
  });

  it('parks in a reactor of the app after PARK_AFTER_ATTEMPTS, and replays into it in the same process', async () => {
    const name = `reactor:test-${randomUUID()}`;
    const mark = randomUUID();
    const inbox = new Set<string>();
    const effects: string[] = [];
    const reactors = app.running.get(ReactorHost);
    await reactors.start(name, ['Noted'], async (events) => {
      for (const event of events) {
        if (inbox.has(event.eventId)) continue;
        const { value } = event.data as { value: string };
        const error = failing.get(`${mark}/${value}`);
        if (error) throw new Error(error);
        effects.push(value);
        inbox.add(event.eventId);
      }
    });
    failing.set(`${mark}/b`, 'cannot note b');
    const stream = `note-${mark}`;
    const noted: Appended[] = [];
    for (const value of ['a', 'b', 'c']) noted.push(await append(stream, 'Noted', { value }));
    const status = () => reactors.status().find((s) => s.name === name)!;
    await waitFor(() => status().position >= noted[2].position && status().parked === 1, 10_000);
    expect(effects).toEqual(['a', 'c']);
    expect((await asAdmin(PARKED, { consumer: name })).data!.parkedEvents).toEqual([
      expect.objectContaining({ eventId: noted[1].eventId, error: 'cannot note b', attempts: 3 }),
    ]);

    failing.delete(`${mark}/b`);
    expect((await asAdmin(REPLAY, { consumer: name })).data!.replayParkedEvents).toEqual([
      expect.objectContaining({ eventId: noted[1].eventId, state: 'REPLAYED' }),
    ]);
    expect((await asAdmin(REPLAY, { consumer: name })).data!.replayParkedEvents).toEqual([]);
    expect(effects).toEqual(['a', 'c', 'b']);
    await waitFor(() => status().parked === 0);
  });

  it('names an unknown consumer or parked event with a code, refuses bad ids, and is for admins only', async () => {
    const nobody = `projection:nothing-${randomUUID()}:v1`;
    expect(codeOf(await asAdmin(PARKED, { consumer: nobody }))).toBe('UNKNOWN_CONSUMER');
    expect(codeOf(await asAdmin(REPLAY, { consumer: nobody }))).toBe('UNKNOWN_CONSUMER');
    expect(codeOf(await asAdmin(DISCARD, { id: randomUUID() }))).toBe('PARKED_EVENT_NOT_FOUND');
    expect(codeOf(await asAdmin(DISCARD, { id: 'not an id' }))).toBe('BAD_USER_INPUT');

    const attendee = await signUp(app, 'ATTENDEE');
    const consumer = 'reactor:notifications';
    for (const [query, variables] of [
      [PARKED, { consumer }],
      [REPLAY, { consumer }],
      [DISCARD, { id: randomUUID() }],
    ] as const) {
      expect(codeOf(await app.gql(query, variables, attendee.headers))).toBe('FORBIDDEN');
      expect(codeOf(await app.gql(query, variables))).toBe('UNAUTHENTICATED');
    }
    // The app's own consumers are known, parked events or not.
    expect((await asAdmin(PARKED, { consumer })).data!.parkedEvents).toEqual([]);
  });
});
