import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { reactionContext } from '../../eventsourcing/deciders/command-context';
import { RecordedDomainEvent } from '../../eventsourcing/event-store/event-metadata';
import { PersonalDataKeys } from '../../eventsourcing/personal-data/personal-data-keys';
import { ReactorHost } from '../../eventsourcing/subscriptions/reactor-host';
import { UserForgotten } from '../domain/user.events';
import { Forgetting } from './forgetting';

export const FORGETTING_SUBSCRIPTION = 'reactor:forgetting';

/** Completes every forgetting, whatever interrupted the request that began it. */
@Injectable()
export class ForgettingReactor implements OnApplicationBootstrap {
  constructor(
    private readonly reactors: ReactorHost,
    private readonly forgetting: Forgetting,
    private readonly keys: PersonalDataKeys,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.reactors.start(FORGETTING_SUBSCRIPTION, ['UserForgotten'], (events) => this.handle(events));
  }

  private async handle(events: RecordedDomainEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'UserForgotten') continue;
      const { userId, emailKey } = (event as RecordedDomainEvent & UserForgotten).data;
      // Shredding the key is the last step: a person forgotten already needs nothing more.
      if (await this.keys.isForgotten(userId)) continue;
      await this.forgetting.complete(userId, emailKey, reactionContext(event, 'complete-forgetting'));
    }
  }
}
