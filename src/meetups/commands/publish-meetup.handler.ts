import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../eventsourcing/deciders/command-context';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { meetupDecider } from '../domain/meetup.decider';
import { PublishMeetupMessage } from './meetup.command-messages';

@CommandHandler(PublishMeetupMessage)
export class PublishMeetupHandler implements ICommandHandler<PublishMeetupMessage, CommandResult> {
  constructor(private readonly repository: EventSourcedRepository) {}

  execute({ command, context }: PublishMeetupMessage): Promise<CommandResult> {
    return this.repository.handle(command.meetupId, meetupDecider, command, context);
  }
}
