import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../eventsourcing/deciders/command-context';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { aggregateIdFor, stepCommandId } from '../../eventsourcing/event-store/deterministic-ids';
import { emailReservationDecider } from '../domain/email-reservation.decider';
import { userDecider } from '../domain/user.decider';
import { emailReservationStreamId, userStreamId } from '../domain/user.streams';
import { EmailKeys, normaliseEmail } from '../email-address';
import { hashPassword } from '../passwords';
import { RegisterUserMessage } from './identity.messages';

/**
 * Sign-up in two appends: the address is reserved in its own stream (so the store refuses a
 * second holder), then the user's stream starts. Both are keyed by the command id, so a retry
 * after a failure between them finishes the registration and does nothing twice.
 */
@CommandHandler(RegisterUserMessage)
export class RegisterUserHandler implements ICommandHandler<RegisterUserMessage, CommandResult> {
  constructor(
    private readonly repository: EventSourcedRepository,
    private readonly emailKeys: EmailKeys,
  ) {}

  async execute({ command, context: given }: RegisterUserMessage): Promise<CommandResult> {
    const commandId = given.commandId.toLowerCase();
    const userId = aggregateIdFor(commandId);
    // The new user is the one acting; a revision means nothing for a stream yet to exist.
    const context = { ...given, commandId, userId, expectedRevision: undefined };
    const email = normaliseEmail(command.email);
    const emailKey = this.emailKeys.keyOf(email);
    await this.repository.handle(
      emailReservationStreamId(emailKey),
      emailReservationDecider,
      { type: 'ReserveEmail', emailKey, userId },
      { ...context, commandId: stepCommandId(commandId, 'reserve-email') },
    );
    return this.repository.handle(
      userStreamId(userId),
      userDecider,
      {
        type: 'RegisterUser',
        userId,
        emailKey,
        email,
        displayName: command.displayName,
        role: command.role,
        passwordHash: await hashPassword(command.password, commandId),
      },
      context,
    );
  }
}
