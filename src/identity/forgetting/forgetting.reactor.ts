import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { RecordedDomainEvent } from '../../eventsourcing/event-store/event-metadata';
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
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return this.reactors.start(FORGETTING_SUBSCRIPTION, ['UserForgotten'], (events) => this.handle(events));
  }

  private async handle(events: RecordedDomainEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'UserForgotten') continue;
      const { userId, emailKey } = (event as RecordedDomainEvent & UserForgotten).data;
      await this.forgetting.complete(userId, emailKey, {
        commandId: event.eventId,
        correlationId: event.metadata.correlationId,
        causationId: event.eventId,
        ...(event.metadata.userId ? { userId: event.metadata.userId } : {}),
      });
    }
  }
}
