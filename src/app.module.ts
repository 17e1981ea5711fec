import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Db } from 'mongodb';
import { projections } from '../projections';
import { ConfigWithSecrets } from './config/secrets';
import { EventsourcingModule } from './eventsourcing/eventsourcing.module';
import {
  flattenValidationErrors,
  GraphQLErrorFilter,
  InvalidInputError,
} from './graphql/graphql-error.filter';
import { graphqlOptions } from './graphql/graphql-options';
import { ReadConsistencyModule } from './graphql/read-consistency.module';
import { PlaygroundController } from './graphql/playground.controller';
import { userEventSchemas } from './identity/domain/user.events';
import { ForgettingModule } from './identity/forgetting/forgetting.module';
import { IdentityModule } from './identity/identity.module';
import { meetupEventSchemas } from './meetups/domain/meetup.events';
import { MeetupsModule } from './meetups/meetups.module';
import { NotificationsModule } from './notifications/notifications.module';
import { ObservabilityModule } from './observability/observability.module';
import { orderEventSchemas } from './ordering/domain/order.events';
import { notificationEventSchemas } from './notifications/email-journal';
import { fulfilmentEventSchemas } from './ordering/fulfilment/fulfilment.events';
import { FulfilmentModule } from './ordering/fulfilment/fulfilment.module';
import { OrderingModule } from './ordering/ordering.module';

export interface Infrastructure {
  config: ConfigWithSecrets;
  client: EventStoreDBClient;
  db: Db;
}

/** Validation and error mapping at the GraphQL edge, whatever the driver. */
export const GRAPHQL_EDGE_PROVIDERS = [
  { provide: APP_FILTER, useClass: GraphQLErrorFilter },
  {
    provide: APP_PIPE,
    useValue: new ValidationPipe({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      exceptionFactory: (errors) => new InvalidInputError(flattenValidationErrors(errors)),
    }),
  },
];

/** The core with every bounded context's event schemas and projections. */
export const coreModule = ({ config, client, db }: Infrastructure): DynamicModule =>
  EventsourcingModule.forRoot({
    config,
    client,
    db,
    schemas: [
      ...userEventSchemas,
      ...meetupEventSchemas,
      ...orderEventSchemas,
      ...fulfilmentEventSchemas,
      ...notificationEventSchemas,
    ],
    projections,
  });

@Module({})
export class AppModule {
  static forRoot(infrastructure: Infrastructure): DynamicModule {
    const core = coreModule(infrastructure);
    const { config } = infrastructure;
    if (config.role === 'worker') {
      return {
        module: AppModule,
        imports: [core, ObservabilityModule, ForgettingModule, FulfilmentModule, NotificationsModule],
      };
    }
    return {
      module: AppModule,
      imports: [
        core,
        ObservabilityModule,
        GraphQLModule.forRoot(graphqlOptions(config)),
        ReadConsistencyModule,
        IdentityModule,
        MeetupsModule,
        OrderingModule,
        FulfilmentModule,
        NotificationsModule,
      ],
      controllers: config.playground ? [PlaygroundController] : [],
      providers: GRAPHQL_EDGE_PROVIDERS,
    };
  }
}
