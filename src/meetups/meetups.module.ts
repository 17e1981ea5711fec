import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MeetupCommandHandler } from './commands/meetup-command.handler';
import { MeetupCatalogReader } from './graphql/meetup-catalog.reader';
import { MeetupsResolver } from './graphql/meetups.resolver';
import { ReadConsistency } from '../graphql/read-consistency';

@Module({
  imports: [CqrsModule],
  providers: [MeetupCommandHandler, MeetupCatalogReader, MeetupsResolver, ReadConsistency],
})
export class MeetupsModule {}
