import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../eventsourcing/deciders/command-context';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { userDecider } from '../domain/user.decider';
import { userStreamId } from '../domain/user.streams';
import { hashPassword, verifyPassword } from '../passwords';
import { ChangePasswordMessage } from './identity.messages';

/**
 * The current password is checked against the hash in the user's stream; the decider then
 * accepts the change only while that hash is still the current one.
 */
@CommandHandler(ChangePasswordMessage)
export class ChangePasswordHandler implements ICommandHandler<ChangePasswordMessage, CommandResult> {
  constructor(private readonly repository: EventSourcedRepository) {}

  async execute({ command, context }: ChangePasswordMessage): Promise<CommandResult> {
    const streamId = userStreamId(command.userId);
    const { state } = await this.repository.read(streamId, userDecider);
    const current = state.status === 'ACTIVE' ? state.passwordHash : null;
    const matches = await verifyPassword(current, command.currentPassword);
    return this.repository.handle(
      streamId,
      userDecider,
      {
        type: 'ChangePassword',
        userId: command.userId,
        newPasswordHash: await hashPassword(command.newPassword, context.commandId.toLowerCase()),
        actor: command.actor,
        proof: { passwordHash: matches ? current : null },
      },
      context,
    );
  }
}
