import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandContext, CommandResult } from '../../eventsourcing/deciders/command-context';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { aggregateIdFor, stepCommandId } from '../../eventsourcing/event-store/deterministic-ids';
import { emailReservationDecider } from '../domain/email-reservation.decider';
import { RegisterUser } from '../domain/user.commands';
import { userDecider } from '../domain/user.decider';
import { emailTaken } from '../domain/user.errors';
import { emailReservationStreamId, userStreamId } from '../domain/user.streams';
import { EmailKeys, normaliseEmail } from '../email-address';
import { hashPassword } from '../passwords';
import { RegisterUserMessage } from './identity.messages';

/**
 * Sign-up in two appends: the address is reserved in its own stream (so the store refuses a
 * second holder), then the user's stream starts. The command id is checked first, so an id that
 * named another command reserves nothing. Both appends are keyed by the command id: a retry
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
    const register: RegisterUser = {
      type: 'RegisterUser',
      userId,
      emailKey: this.emailKeys.keyOf(email),
      email,
      displayName: command.displayName,
      role: command.role,
      passwordHash: await hashPassword(command.password, commandId),
    };
    const streamId = userStreamId(userId);
    await this.repository.verifyCommandId(streamId, register, context);
    // The user's stream is this command's alone: if it exists, this is a repeat, answered as the first.
    const repeat = (await this.repository.read(streamId, userDecider)).state.status !== 'NONE';
    if (!repeat) await this.reserve(register.emailKey, userId, context);
    return this.repository.handle(streamId, userDecider, register, context);
  }

  private async reserve(emailKey: string, userId: string, context: CommandContext): Promise<void> {
    const streamId = emailReservationStreamId(emailKey);
    const { holder } = (await this.repository.read(streamId, emailReservationDecider)).state;
    const unregistered =
      holder !== undefined &&
      holder !== userId &&
      (await this.repository.read(userStreamId(holder), userDecider)).state.status === 'NONE';
    await this.repository.handle(
      streamId,
      emailReservationDecider,
      {
        type: 'ReserveEmail',
        emailKey,
        userId,
        now: new Date(),
        proof: { unregisteredHolder: unregistered ? holder : null },
      },
      { ...context, commandId: stepCommandId(context.commandId, 'reserve-email') },
    );
    // A registration that stalled for longer than a reservation lasts may have lost it since.
    const now = (await this.repository.read(streamId, emailReservationDecider)).state;
    if (now.holder !== userId) throw emailTaken();
  }
}
