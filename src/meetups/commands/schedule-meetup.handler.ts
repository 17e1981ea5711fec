import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../eventsourcing/deciders/command-context';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { meetupDecider } from '../domain/meetup.decider';
import { ScheduleMeetupMessage } from './meetup.command-messages';

@CommandHandler(ScheduleMeetupMessage)
export class ScheduleMeetupHandler implements ICommandHandler<ScheduleMeetupMessage, CommandResult> {
  constructor(private readonly repository: EventSourcedRepository) {}

  execute({ command, context }: ScheduleMeetupMessage): Promise<CommandResult> {
    return this.repository.handle(command.meetupId, meetupDecider, command, context);
  }
}
