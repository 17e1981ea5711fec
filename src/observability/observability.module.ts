import { Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Db } from 'mongodb';
import { AppConfig } from '../config/app-config';
import { EventSourcedRepository } from '../eventsourcing/deciders/event-sourced-repository';
import { ConsumerOverview } from '../eventsourcing/projections/consumer-overview';
import { APP_CONFIG, EVENTSTORE_CLIENT, MONGO_DB } from '../eventsourcing/tokens';
import { HealthController } from './health/health.controller';
import { ReadinessChecks } from './health/readiness-checks';
import { AppMetrics } from './metrics/app-metrics';
import { instrumentCommands } from './metrics/command-metrics';
import { registerConsumerGauges } from './metrics/consumer-gauges';
import { instrumentEventStore } from './metrics/event-store-metrics';
import { GraphQLMetricsHook } from './metrics/graphql-metrics.hook';
import { MetricsController } from './metrics/metrics.controller';
import { instrumentMongo } from './metrics/mongo-metrics';
import { RecentConsumers } from './recent-consumers';

/**
 * GET /health/live, /health/ready and /metrics, on every role. The metrics are wired in as the
 * application is built, before any subscription starts or command runs.
 */
@Module({
  imports: [TerminusModule.forRoot()],
  controllers: [HealthController, MetricsController],
  providers: [
    {
      provide: RecentConsumers,
      inject: [ModuleRef],
      // The core keeps its overview to itself; it is looked up once the application is built.
      useFactory: (modules: ModuleRef) =>
        new RecentConsumers(() => modules.get(ConsumerOverview, { strict: false })),
    },
    {
      provide: AppMetrics,
      inject: [EVENTSTORE_CLIENT, MONGO_DB, EventSourcedRepository, RecentConsumers],
      useFactory: (
        client: EventStoreDBClient,
        db: Db,
        repository: EventSourcedRepository,
        consumers: RecentConsumers,
      ) => {
        const metrics = new AppMetrics();
        instrumentEventStore(client, metrics);
        instrumentMongo(db.client, metrics);
        instrumentCommands(repository, metrics);
        registerConsumerGauges(metrics, consumers);
        return metrics;
      },
    },
    GraphQLMetricsHook,
    {
      provide: ReadinessChecks,
      inject: [HealthIndicatorService, EVENTSTORE_CLIENT, MONGO_DB, RecentConsumers, APP_CONFIG],
      useFactory: (
        indicators: HealthIndicatorService,
        client: EventStoreDBClient,
        db: Db,
        consumers: RecentConsumers,
        config: AppConfig,
      ) => new ReadinessChecks(indicators, { client, db }, consumers, config.readyMaxLag),
    },
  ],
})
export class ObservabilityModule {}
