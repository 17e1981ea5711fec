import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Db } from 'mongodb';
import { projections } from '../projections';
import { AppConfig } from './config/app-config';
import { EventsourcingModule } from './eventsourcing/eventsourcing.module';
import {
  flattenValidationErrors,
  GraphQLErrorFilter,
  InvalidInputError,
} from './graphql/graphql-error.filter';
import { graphqlOptions } from './graphql/graphql-options';
import { PlaygroundController } from './graphql/playground.controller';
import { meetupEventSchemas } from './meetups/domain/meetup.events';
import { MeetupsModule } from './meetups/meetups.module';

export interface Infrastructure {
  config: AppConfig;
  client: EventStoreDBClient;
  db: Db;
}

@Module({})
export class AppModule {
  static forRoot({ config, client, db }: Infrastructure): DynamicModule {
    const core = EventsourcingModule.forRoot({
      config,
      client,
      db,
      schemas: [...meetupEventSchemas],
      projections,
    });
    if (config.role === 'worker') return { module: AppModule, imports: [core] };
    return {
      module: AppModule,
      imports: [core, GraphQLModule.forRoot(graphqlOptions(config)), MeetupsModule],
      controllers: config.playground ? [PlaygroundController] : [],
      providers: [
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
      ],
    };
  }
}
