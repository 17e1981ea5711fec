import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MeetupCommandHandler } from './commands/meetup-command.handler';
import { MeetupCatalogReader } from './graphql/meetup-catalog.reader';
import { MeetupsResolver } from './graphql/meetups.resolver';

@Module({
  imports: [CqrsModule],
  providers: [MeetupCommandHandler, MeetupCatalogReader, MeetupsResolver],
})
export class MeetupsModule {}
