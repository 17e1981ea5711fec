import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../eventsourcing/deciders/command-context';
import { WrongExpectedRevisionError } from '../../eventsourcing/deciders/command-errors';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { stepCommandId } from '../../eventsourcing/event-store/deterministic-ids';
import { PersonalDataKeys } from '../../eventsourcing/personal-data/personal-data-keys';
import { emailReservationDecider } from '../domain/email-reservation.decider';
import { isAdmin } from '../domain/role';
import { userDecider } from '../domain/user.decider';
import { forbidden, userNotFound } from '../domain/user.errors';
import { emailReservationStreamId, userStreamId } from '../domain/user.streams';
import { ForgetUserMessage } from './identity.messages';

/**
 * Forgetting shreds the person's key first: from that moment every copy of their personal data
 * is unreadable, whatever happens next. Then `UserForgotten` is appended (read models drop the
 * person) and the address is released for anyone to register again. A retry finishes what an
 * interrupted attempt began.
 */
@CommandHandler(ForgetUserMessage)
export class ForgetUserHandler implements ICommandHandler<ForgetUserMessage, CommandResult> {
  constructor(
    private readonly repository: EventSourcedRepository,
    private readonly keys: PersonalDataKeys,
  ) {}

  async execute({ command, context }: ForgetUserMessage): Promise<CommandResult> {
    const { userId, actor } = command;
    const streamId = userStreamId(userId);
    const { state, revision } = await this.repository.read(streamId, userDecider);
    if (state.status === 'NONE') throw userNotFound(userId);
    if (actor.userId !== userId && !isAdmin(actor)) throw forbidden('forget another user');
    if (context.expectedRevision !== undefined && context.expectedRevision !== revision) {
      throw new WrongExpectedRevisionError(context.expectedRevision, revision);
    }
    await this.keys.forget(userId);
    const result = await this.repository.handle(
      streamId,
      userDecider,
      { type: 'ForgetUser', userId, actor },
      context,
    );
    await this.repository.handle(
      emailReservationStreamId(state.emailKey),
      emailReservationDecider,
      { type: 'ReleaseEmail', emailKey: state.emailKey, userId },
      {
        ...context,
        commandId: stepCommandId(context.commandId.toLowerCase(), 'release-email'),
        expectedRevision: undefined,
      },
    );
    return result;
  }
}
