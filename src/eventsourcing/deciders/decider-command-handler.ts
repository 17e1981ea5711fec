import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandResult } from './command-context';
import { CommandMessage } from './command-message';
import { Decider, DomainEvent } from './decider';
import { EventSourcedRepository } from './event-sourced-repository';

/**
 * The one command handler of a decider: every command of its message class goes through the
 * generic repository to the stream `streamIdOf(command)` names. Adding a command to a context is
 * adding it to the decider and to a resolver; no handler class per command.
 */
export function DeciderCommandHandler<State, C extends { type: string }, E extends DomainEvent>(
  message: new (command: C, context: CommandContext) => CommandMessage<C>,
  decider: Decider<State, C, E>,
  streamIdOf: (command: C) => string,
) {
  @CommandHandler(message)
  class Handler implements ICommandHandler<CommandMessage<C>, CommandResult> {
    constructor(readonly repository: EventSourcedRepository) {}

    execute({ command, context }: CommandMessage<C>): Promise<CommandResult> {
      return this.repository.handle(streamIdOf(command), decider, command, context);
    }
  }
  return Handler;
}
