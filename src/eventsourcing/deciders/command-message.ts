import { Command } from '@nestjs/cqrs';
import { CommandContext, CommandResult } from './command-context';

/** A domain command on the CommandBus, with the context it runs in; its result type is known. */
export abstract class CommandMessage<C> extends Command<CommandResult> {
  constructor(
    readonly command: C,
    readonly context: CommandContext,
  ) {
    super();
  }
}
