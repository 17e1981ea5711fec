import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventStoreDBClient } from '@eventstore/db-client';
import { MongoClient } from 'mongodb';
import { coreModule, GRAPHQL_EDGE_PROVIDERS, Infrastructure } from '../src/app.module';
import { startApp } from '../src/app';
import { requestContext } from '../src/graphql/request-context';
import { IdentityModule } from '../src/identity/identity.module';
import { MeetupsModule } from '../src/meetups/meetups.module';
import { spawnStores } from './embedded-stores';
import { graphql } from './graphql-client';
import { benchConfig, signUpOrganiser } from './identity';
import { fmt, nowMs, report, runConcurrently, summarise } from './stats';

const SCHEDULE = `mutation($input: ScheduleMeetupInput!) { scheduleMeetup(input: $input) { id position } }`;
const LIST = `query { meetups(first: 20) { edges { node { id title city startsAt status } } } }`;

/** The same application with Apollo Server (on Fastify) in place of Mercurius, for comparison only. */
@Module({})
class ApolloAppModule {
  static forRoot(infrastructure: Infrastructure): DynamicModule {
    return {
      module: ApolloAppModule,
      imports: [
        coreModule(infrastructure),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          playground: false,
          context: (request: { headers: Record<string, string | undefined> }) => ({
            request: requestContext(request.headers),
          }),
        }),
        // Its auth guard checks the organiser's session token, as in the app.
        IdentityModule,
        MeetupsModule,
      ],
      providers: GRAPHQL_EDGE_PROVIDERS,
    };
  }
}

type Figures = Record<string, { rate: number; p50: number; p99: number }>;

async function measure(url: string, headers: Record<string, string>): Promise<Figures> {
  const post = (query: string, variables?: Record<string, unknown>) =>
    graphql(url, query, variables, headers);
  const schedule = () =>
    post(SCHEDULE, {
      input: {
        title: 'Driver',
        city: 'Lisbon',
        startsAt: new Date(Date.now() + 864e5).toISOString(),
        capacity: 9,
      },
    });
  const figures: Figures = {};
  for (const [name, run, total] of [
    ['scheduleMeetup', schedule, 2000],
    ['meetups(first: 20)', () => post(LIST), 4000],
  ] as const) {
    await runConcurrently(300, 10, run);
    const latencies: number[] = [];
    const ms = await runConcurrently(total, 10, async () => {
      const begin = nowMs();
      await run();
      latencies.push(nowMs() - begin);
    });
    figures[name] = { rate: (total / ms) * 1000, ...summarise(latencies) };
  }
  return figures;
}

/** Mercurius against Apollo Server on the same command and query paths, same stores. */
export async function benchGraphQLDriver(): Promise<void> {
  const stores = await spawnStores('driver');
  const { eventStore: es, mongo } = stores;
  const config = { ...benchConfig(), eventStoreUrl: es.url, mongoUrl: mongo.url };
  // One organiser for both drivers: the same stores and secrets accept its token in either.
  let organiser: Record<string, string> | undefined;
  try {
    console.log(
      '\nGraphQL driver: Mercurius (used) against Apollo Server, both on Fastify, runs in ABBA order',
    );
    const runMercurius = async () => {
      const app = await startApp(config, { logger: false });
      organiser ??= (await signUpOrganiser(app.url!)).headers;
      const figures = await measure(app.url!, organiser);
      await app.close();
      return figures;
    };
    const runApollo = async () => {
      const client = EventStoreDBClient.connectionString(es.url);
      const mongoClient = await MongoClient.connect(mongo.url);
      const module = ApolloAppModule.forRoot({ config, client, db: mongoClient.db(config.mongoDatabase) });
      const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), {
        logger: false,
      });
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as { port: number };
      const figures = await measure(`http://127.0.0.1:${port}`, organiser!);
      await app.close();
      await client.dispose();
      await mongoClient.close();
      return figures;
    };
    // Each driver runs once early and once late, so neither gains from the other's warm-up.
    const runs = { Mercurius: [await runMercurius()], Apollo: [await runApollo()] };
    runs.Apollo.push(await runApollo());
    runs.Mercurius.push(await runMercurius());
    for (const [driver, [first, second]] of Object.entries(runs)) {
      for (const name of Object.keys(first)) {
        const mean = (key: 'rate' | 'p50' | 'p99') => (first[name][key] + second[name][key]) / 2;
        report(`${driver}: ${name}, concurrency 10, mean of 2 (requests/s)`, fmt(mean('rate')));
        report(
          `${driver}: ${name} latency p50 / p99 (ms)`,
          `${fmt(mean('p50'), 1)} / ${fmt(mean('p99'), 1)}`,
        );
      }
    }
  } finally {
    await stores.stop();
  }
}

if (require.main === module) {
  benchGraphQLDriver().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
