import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, jsonEvent, NO_STREAM } from '@eventstore/db-client';
import { MongoClient } from 'mongodb';
import { meetupCatalogProjection } from '../projections/meetup-catalog.projection';
import { startApp } from '../src/app';
import { EventSourcedRepository } from '../src/eventsourcing/deciders/event-sourced-repository';
import { EventSchemaRegistry } from '../src/eventsourcing/event-store/event-schema-registry';
import { EventSerializer } from '../src/eventsourcing/event-store/event-serializer';
import { aggregateIdFor } from '../src/eventsourcing/event-store/deterministic-ids';
import { toStreamId } from '../src/meetups/domain/meetup.stream';
import { ProjectionEngine } from '../src/eventsourcing/projections/projection-engine';
import { CheckpointStore } from '../src/eventsourcing/subscriptions/checkpoint-store';
import { SubscriptionRunner } from '../src/eventsourcing/subscriptions/subscription-runner';
import { meetupDecider } from '../src/meetups/domain/meetup.decider';
import { Actor } from '../src/identity/domain/role';
import { meetupEventSchemas } from '../src/meetups/domain/meetup.events';
import { spawnStores } from './embedded-stores';
import { graphql } from './graphql-client';
import { benchConfig, signUpOrganiser } from './identity';
import { fmt, nowMs, report, runConcurrently, summarise } from './stats';

const SCHEDULE = `mutation($input: ScheduleMeetupInput!) { scheduleMeetup(input: $input) { id position } }`;
const READ = `query($id: ID!, $at: String) { meetup(id: $id, consistentWith: $at) { id } }`;
const LIST = `query { meetups(first: 20) { edges { node { id title city startsAt status revision } } } }`;
const input = () => ({
  title: 'Event sourcing night',
  description: 'Talks and pizza',
  city: 'Lisbon',
  startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  capacity: 50,
  ticketPriceCents: 0,
});
const scheduleCommand = (meetupId: string, actor: Actor) => ({
  type: 'ScheduleMeetup' as const,
  meetupId,
  ...input(),
  startsAt: new Date(Date.now() + 7 * 86_400_000),
  actor,
  now: new Date(),
});
const contextFor = () => {
  const commandId = randomUUID();
  return { commandId, correlationId: randomUUID(), causationId: commandId };
};

/**
 * The application on the embedded servers (each in its own process, data on disk), driven over
 * HTTP from this process.
 */
export async function benchApp(): Promise<void> {
  const stores = await spawnStores('app');
  const { eventStore, mongo: mongoServer } = stores;
  const config = { ...benchConfig(), eventStoreUrl: eventStore.url, mongoUrl: mongoServer.url };
  const app = await startApp(config, { logger: false });
  const url = app.url!;
  const client = EventStoreDBClient.connectionString(eventStore.url);
  const mongo = await MongoClient.connect(mongoServer.url);
  const serializer = new EventSerializer(new EventSchemaRegistry().register(...meetupEventSchemas));
  // What the repository records before a command's events (see IdempotencyKeys).
  const recordCommand = (commandId: string) =>
    client.appendToStream(`command-${commandId}`, jsonEvent({ type: 'CommandAccepted', data: {} }), {
      expectedRevision: NO_STREAM,
    });
  try {
    console.log('\nApplication: command path, projection and read-your-writes (embedded servers on disk)');
    // Every command is sent as one organiser, signed up before the figures are taken.
    const organiser = await signUpOrganiser(url);
    const { actor } = organiser;
    const schedule = () => graphql(url, SCHEDULE, { input: input() }, organiser.headers);
    for (let i = 0; i < 200; i++) await schedule();

    let maxRate = 0;
    for (const concurrency of [1, 10, 50]) {
      const total = concurrency === 1 ? 500 : 2000;
      const latencies: number[] = [];
      const ms = await runConcurrently(total, concurrency, async () => {
        const start = nowMs();
        await schedule();
        latencies.push(nowMs() - start);
      });
      const rate = (total / ms) * 1000;
      maxRate = Math.max(maxRate, rate);
      const { p50, p99 } = summarise(latencies);
      report(
        `scheduleMeetup over HTTP, concurrency ${concurrency} (commands/s)`,
        fmt(rate),
        concurrency === 10 ? '>= 2,000' : undefined,
      );
      report(`  latency p50 / p99 (ms)`, `${fmt(p50, 1)} / ${fmt(p99, 1)}`);
    }

    for (let i = 0; i < 200; i++) await graphql(url, LIST, {});
    const listLatencies: number[] = [];
    const listTotal = 5000;
    const listMs = await runConcurrently(listTotal, 10, async () => {
      const start = nowMs();
      await graphql(url, LIST, {});
      listLatencies.push(nowMs() - start);
    });
    const list = summarise(listLatencies);
    report(
      'meetups(first: 20) over HTTP, concurrency 10 (requests/s)',
      fmt((listTotal / listMs) * 1000),
      '>= 3,000',
    );
    report(`  latency p50 / p99 (ms)`, `${fmt(list.p50, 1)} / ${fmt(list.p99, 1)}`);

    const repository = new EventSourcedRepository(client, serializer, {
      fingerprintKey: 'test fingerprint key',
    });
    const rounds = 1000;
    const handlerMs = await runConcurrently(rounds, 10, async () => {
      const context = contextFor();
      const meetupId = aggregateIdFor(context.commandId);
      await repository.handle(toStreamId(meetupId), meetupDecider, scheduleCommand(meetupId, actor), context);
    });
    const rawMs = await runConcurrently(rounds, 10, async () => {
      const context = contextFor();
      const meetupId = aggregateIdFor(context.commandId);
      const events = meetupDecider.decide(scheduleCommand(meetupId, actor), meetupDecider.initialState);
      await recordCommand(context.commandId);
      await client.appendToStream(
        toStreamId(meetupId),
        serializer.serialize(toStreamId(meetupId), events, context),
        {
          expectedRevision: NO_STREAM,
        },
      );
    });
    report(
      'command handler vs its raw appends (record + events), creating (ratio)',
      `${fmt(handlerMs / rawMs, 2)}x`,
      '<= 1.5x',
    );

    const ids: string[] = [];
    for (let i = 0; i < rounds; i++) {
      const context = contextFor();
      const meetupId = aggregateIdFor(context.commandId);
      await repository.handle(toStreamId(meetupId), meetupDecider, scheduleCommand(meetupId, actor), context);
      ids.push(meetupId);
    }
    const updateMs = await runConcurrently(rounds, 10, async (i) => {
      await repository.handle(
        toStreamId(ids[i]),
        meetupDecider,
        { type: 'PublishMeetup', meetupId: ids[i], actor },
        contextFor(),
      );
    });
    const rawUpdateMs = await runConcurrently(rounds, 10, async (i) => {
      const events = [{ type: 'MeetupPublished', data: { meetupId: ids[i] } }];
      const context = contextFor();
      await recordCommand(context.commandId);
      await client.appendToStream(
        toStreamId(ids[i]),
        serializer.serialize(toStreamId(ids[i]), events, context),
        {
          expectedRevision: 1n,
        },
      );
    });
    report(
      'command handler vs the raw appends it makes, updating (ratio)',
      `${fmt(updateMs / rawUpdateMs, 2)}x`,
    );

    const rate = maxRate / 2;
    const lags: number[] = [];
    const count = Math.min(2000, Math.round(rate * 10));
    const interval = 1000 / rate;
    const started = nowMs();
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const due = started + i * interval;
        const wait = due - nowMs();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const { scheduleMeetup } = await schedule();
        const acked = nowMs();
        await graphql(url, READ, { id: scheduleMeetup.id, at: scheduleMeetup.position });
        lags.push(nowMs() - acked);
      }),
    );
    const lag = summarise(lags);
    report(`append-to-visible lag at ${fmt(rate)} commands/s, p50 (ms)`, fmt(lag.p50, 1));
    report(`append-to-visible lag at ${fmt(rate)} commands/s, p99 (ms)`, fmt(lag.p99, 1), '<= 50');
    await app.close();

    // Catch-up: 100,000 events appended first, then a projection starts from the beginning.
    const batches = 1000;
    let lastPosition = 0n;
    await runConcurrently(batches, 10, async () => {
      const events = Array.from({ length: 50 }, () => {
        const meetupId = randomUUID();
        return meetupDecider.decide(scheduleCommand(meetupId, actor), meetupDecider.initialState)[0];
      });
      const context = contextFor();
      const result = await client.appendToStream(
        `bench-${context.commandId}`,
        serializer.serialize(`bench-${context.commandId}`, events, context),
      );
      if (result.position!.commit > lastPosition) lastPosition = result.position!.commit;
    });
    await runConcurrently(batches, 10, async () => {
      const events = Array.from({ length: 50 }, () => ({ type: 'SomethingElse', data: {} }));
      const context = contextFor();
      const result = await client.appendToStream(
        `other-${context.commandId}`,
        serializer.serialize(`other-${context.commandId}`, events, context),
      );
      if (result.position!.commit > lastPosition) lastPosition = result.position!.commit;
    });
    const db = mongo.db('catchup');
    const engine = new ProjectionEngine(db, meetupCatalogProjection);
    await engine.prepare();
    const runner = new SubscriptionRunner(client, serializer, new CheckpointStore(db), {
      name: 'catch-up',
      handle: (events) => engine.applyBatch(events),
    });
    const catchUpStart = nowMs();
    await runner.start();
    await runner.waitFor(lastPosition, 600_000);
    const catchUpMs = nowMs() - catchUpStart;
    await runner.stop();
    let total = 0;
    for await (const _ of client.readAll({ maxCount: Number.MAX_SAFE_INTEGER })) total++;
    report(
      `projection catch-up over ${fmt(total)} events, ${fmt(batches * 50)} projected (events/s)`,
      fmt((total / catchUpMs) * 1000),
      '>= 10,000',
    );
  } finally {
    await app.close();
    await client.dispose();
    await mongo.close();
    await stores.stop();
  }
}

if (require.main === module) {
  benchApp().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
