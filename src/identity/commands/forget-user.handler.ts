import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../eventsourcing/deciders/command-context';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { userDecider } from '../domain/user.decider';
import { userStreamId } from '../domain/user.streams';
import { Forgetting } from '../forgetting/forgetting';
import { ForgetUserMessage } from './identity.messages';

/**
 * `UserForgotten` is appended first (read models drop the person, the decider refuses them from
 * then on), then the address is released and the key shredded. Should the request stop between
 * the steps, the forgetting reactor finishes them.
 */
@CommandHandler(ForgetUserMessage)
export class ForgetUserHandler implements ICommandHandler<ForgetUserMessage, CommandResult> {
  constructor(
    private readonly repository: EventSourcedRepository,
    private readonly forgetting: Forgetting,
  ) {}

  async execute({ command, context }: ForgetUserMessage): Promise<CommandResult> {
    const { userId, actor } = command;
    const streamId = userStreamId(userId);
    const result = await this.repository.handle(
      streamId,
      userDecider,
      { type: 'ForgetUser', userId, actor },
      context,
    );
    const { state } = await this.repository.read(streamId, userDecider);
    if (state.status === 'FORGOTTEN') await this.forgetting.complete(userId, state.emailKey, context);
    return result;
  }
}
