import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../eventsourcing/deciders/command-context';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { meetupDecider } from '../domain/meetup.decider';
import { RescheduleMeetupMessage } from './meetup.command-messages';

@CommandHandler(RescheduleMeetupMessage)
export class RescheduleMeetupHandler implements ICommandHandler<RescheduleMeetupMessage, CommandResult> {
  constructor(private readonly repository: EventSourcedRepository) {}

  execute({ command, context }: RescheduleMeetupMessage): Promise<CommandResult> {
    return this.repository.handle(command.meetupId, meetupDecider, command, context);
  }
}
