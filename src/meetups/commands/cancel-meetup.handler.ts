import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../eventsourcing/deciders/command-context';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { meetupDecider } from '../domain/meetup.decider';
import { CancelMeetupMessage } from './meetup.command-messages';

@CommandHandler(CancelMeetupMessage)
export class CancelMeetupHandler implements ICommandHandler<CancelMeetupMessage, CommandResult> {
  constructor(private readonly repository: EventSourcedRepository) {}

  execute({ command, context }: CancelMeetupMessage): Promise<CommandResult> {
    return this.repository.handle(command.meetupId, meetupDecider, command, context);
  }
}
