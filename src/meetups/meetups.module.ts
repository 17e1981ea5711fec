import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CancelMeetupHandler } from './commands/cancel-meetup.handler';
import { PublishMeetupHandler } from './commands/publish-meetup.handler';
import { RescheduleMeetupHandler } from './commands/reschedule-meetup.handler';
import { ScheduleMeetupHandler } from './commands/schedule-meetup.handler';
import { MeetupCatalogReader } from './graphql/meetup-catalog.reader';
import { MeetupsResolver } from './graphql/meetups.resolver';
import { ReadConsistency } from '../graphql/read-consistency';

@Module({
  imports: [CqrsModule],
  providers: [
    ScheduleMeetupHandler,
    PublishMeetupHandler,
    RescheduleMeetupHandler,
    CancelMeetupHandler,
    MeetupCatalogReader,
    MeetupsResolver,
    ReadConsistency,
  ],
})
export class MeetupsModule {}
