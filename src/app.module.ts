import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Db } from 'mongodb';
import { projections } from '../projections';
import { ConfigWithSecrets } from './config/secrets';
import { streamDecider } from './eventsourcing/audit/stream-deciders';
import { EventsourcingModule } from './eventsourcing/eventsourcing.module';
import {
  flattenValidationErrors,
  GraphQLErrorFilter,
  InvalidInputError,
} from './graphql/graphql-error.filter';
import { CommandResultResolver } from './graphql/command-result.resolver';
import { graphqlOptions } from './graphql/graphql-options';
import { PlaygroundController } from './graphql/playground.controller';
import { emailReservationDecider } from './identity/domain/email-reservation.decider';
import { userDecider } from './identity/domain/user.decider';
import { userEventSchemas } from './identity/domain/user.events';
import { emailReservationStreamId, userStreamId } from './identity/domain/user.streams';
import { ForgettingModule } from './identity/forgetting/forgetting.module';
import { IdentityModule } from './identity/identity.module';
import { meetupDecider } from './meetups/domain/meetup.decider';
import { meetupEventSchemas } from './meetups/domain/meetup.events';
import { toStreamId } from './meetups/domain/meetup.stream';
import { MeetupsModule } from './meetups/meetups.module';
import { NotificationsModule } from './notifications/notifications.module';
import { ObservabilityModule } from './observability/observability.module';
import { orderEventSchemas } from './ordering/domain/order.events';
import { emailDecider, emailStreamId, notificationEventSchemas } from './notifications/email-journal';
import { orderDecider } from './ordering/domain/order.decider';
import { orderStreamId } from './ordering/domain/order.streams';
import { fulfilmentDecider, fulfilmentStreamId } from './ordering/fulfilment/fulfilment.decider';
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
  CommandResultResolver,
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
    streams: [
      streamDecider(userStreamId, userDecider),
      streamDecider(emailReservationStreamId, emailReservationDecider),
      streamDecider(toStreamId, meetupDecider),
      streamDecider(orderStreamId, orderDecider),
      streamDecider(fulfilmentStreamId, fulfilmentDecider),
      streamDecider(emailStreamId, emailDecider),
    ],
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
