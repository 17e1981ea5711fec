import { DynamicModule, Global, Module } from '@nestjs/common';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Db } from 'mongodb';
import { ConfigWithSecrets } from '../config/secrets';
import { ReadConsistency } from '../graphql/read-consistency';
import { AuditResolver } from './audit/audit.resolver';
import { AuditService } from './audit/audit.service';
import { StreamDecider, StreamDeciders } from './audit/stream-deciders';
import { EventSourcedRepository } from './deciders/event-sourced-repository';
import { EventSchema, EventSchemaRegistry } from './event-store/event-schema-registry';
import { EventSerializer } from './event-store/event-serializer';
import { PersonalDataKeys } from './personal-data/personal-data-keys';
import { PersonalDataVault } from './personal-data/personal-data-vault';
import { AnyProjection } from './projections/projection-definition';
import { ConsumerOverview } from './projections/consumer-overview';
import { ProjectionOperations } from './projections/projection-operations';
import { ProjectionRegistry } from './projections/projection-registry';
import { ProjectionsResolver } from './projections/projections.resolver';
import { PROJECTIONS, ProjectionsService } from './projections/projections.service';
import { CheckpointStore } from './subscriptions/checkpoint-store';
import { ConsumerBoard } from './subscriptions/consumer-board';
import { ConsumerLeases } from './subscriptions/consumer-leases';
import { ParkedEvents } from './subscriptions/parked-events';
import { ParkedEventsResolver } from './subscriptions/parked-events.resolver';
import { ParkedEventsService } from './subscriptions/parked-events.service';
import { ReactorHost } from './subscriptions/reactor-host';
import { APP_CONFIG, EVENTSTORE_CLIENT, MONGO_DB } from './tokens';

export interface EventsourcingOptions {
  config: ConfigWithSecrets;
  client: EventStoreDBClient;
  db: Db;
  schemas: EventSchema[];
  projections: AnyProjection[];
  /** Every context's deciders, by the streams they own: the audit trail folds any stream with them. */
  streams: StreamDecider[];
}

/** The generic core, given its infrastructure; it knows no domain. */
@Global()
@Module({})
export class EventsourcingModule {
  static forRoot(options: EventsourcingOptions): DynamicModule {
    return {
      module: EventsourcingModule,
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: EVENTSTORE_CLIENT, useValue: options.client },
        { provide: MONGO_DB, useValue: options.db },
        { provide: PROJECTIONS, useValue: options.projections },
        { provide: PersonalDataKeys, useValue: new PersonalDataKeys(options.db) },
        {
          provide: EventSerializer,
          inject: [PersonalDataKeys],
          useFactory: (keys: PersonalDataKeys) => {
            const registry = new EventSchemaRegistry().register(...options.schemas);
            return new EventSerializer(registry, new PersonalDataVault(registry, keys));
          },
        },
        {
          provide: EventSourcedRepository,
          inject: [EventSerializer],
          useFactory: (serializer: EventSerializer) =>
            new EventSourcedRepository(options.client, serializer, {
              fingerprintKey: options.config.hashKey,
            }),
        },
        { provide: CheckpointStore, useValue: new CheckpointStore(options.db) },
        { provide: ParkedEvents, useValue: new ParkedEvents(options.db) },
        {
          provide: ConsumerLeases,
          useValue: new ConsumerLeases(options.db, { ttlMs: options.config.leaseTtlSeconds * 1000 }),
        },
        { provide: ProjectionRegistry, useValue: new ProjectionRegistry(options.db) },
        { provide: ConsumerBoard, useValue: new ConsumerBoard(options.db) },
        ProjectionsService,
        ReactorHost,
        {
          provide: ConsumerOverview,
          inject: [
            ProjectionRegistry,
            ConsumerBoard,
            ConsumerLeases,
            CheckpointStore,
            ParkedEvents,
            ProjectionsService,
            ReactorHost,
          ],
          useFactory: (
            registry: ProjectionRegistry,
            board: ConsumerBoard,
            leases: ConsumerLeases,
            checkpoints: CheckpointStore,
            parked: ParkedEvents,
            projections: ProjectionsService,
            reactors: ReactorHost,
          ) =>
            new ConsumerOverview(
              options.client,
              { registry, board, leases, checkpoints, parked },
              options.projections,
              {
                holder: leases.holder,
                status: () => [...projections.status(), ...reactors.status()],
                names: () => reactors.names(),
              },
            ),
        },
        {
          provide: ProjectionOperations,
          inject: [ProjectionRegistry, ConsumerOverview, ProjectionsService],
          useFactory: (
            registry: ProjectionRegistry,
            overview: ConsumerOverview,
            projections: ProjectionsService,
          ) =>
            new ProjectionOperations(registry, overview, options.projections, (name) =>
              projections.reconcileSoon(name),
            ),
        },
        ProjectionsResolver,
        ParkedEventsService,
        ParkedEventsResolver,
        { provide: StreamDeciders, useValue: new StreamDeciders(options.streams) },
        // One for the app: its cap on queries waiting for read models counts them all.
        ReadConsistency,
        AuditService,
        AuditResolver,
      ],
      exports: [
        APP_CONFIG,
        EVENTSTORE_CLIENT,
        MONGO_DB,
        EventSerializer,
        PersonalDataKeys,
        EventSourcedRepository,
        CheckpointStore,
        ParkedEvents,
        ConsumerLeases,
        ProjectionsService,
        ReactorHost,
        AuditService,
        ReadConsistency,
      ],
    };
  }
}
