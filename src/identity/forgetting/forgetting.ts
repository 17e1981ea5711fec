import { Injectable } from '@nestjs/common';
import { CommandContext } from '../../eventsourcing/deciders/command-context';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { stepCommandId } from '../../eventsourcing/event-store/deterministic-ids';
import { PersonalDataKeys } from '../../eventsourcing/personal-data/personal-data-keys';
import { emailReservationDecider } from '../domain/email-reservation.decider';
import { emailReservationStreamId } from '../domain/user.streams';

/**
 * What follows `UserForgotten`: the address is released, then the person's key is shredded, which
 * makes every copy of their personal data unreadable for good. Both steps are idempotent; the
 * forgetting reactor runs them again for every `UserForgotten`, so an interrupted `forgetUser`
 * still ends complete.
 */
@Injectable()
export class Forgetting {
  constructor(
    private readonly repository: EventSourcedRepository,
    private readonly keys: PersonalDataKeys,
  ) {}

  async complete(userId: string, emailKey: string, context: CommandContext): Promise<void> {
    await this.repository.handle(
      emailReservationStreamId(emailKey),
      emailReservationDecider,
      { type: 'ReleaseEmail', emailKey, userId },
      {
        ...context,
        commandId: stepCommandId(context.commandId.toLowerCase(), 'release-email'),
        expectedRevision: undefined,
      },
    );
    await this.keys.forget(userId);
  }
}
