import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Db } from 'mongodb';
import { AppConfig } from '../config/app-config';
import { EventSourcedRepository } from '../eventsourcing/deciders/event-sourced-repository';
import { ReactorHost } from '../eventsourcing/subscriptions/reactor-host';
import { APP_CONFIG, MONGO_DB } from '../eventsourcing/tokens';
import { EmailJournal } from './email-journal';
import { Mailer, MAILER } from './mail/mailer';
import { NOTIFICATION_TRIGGERS, NotificationsHandler } from './notifications.handler';
import { Recipients } from './recipients';
import { SentEmails } from './sent-emails';

export const NOTIFICATIONS_SUBSCRIPTION = 'reactor:notifications';

/**
 * Sends the e-mails events call for (a welcome on sign-up, an order's confirmation or
 * cancellation) and forgets them with their recipient. Runs on the worker role as its own checkpointed subscription; a failing mail server
 * holds back only this subscription, which retries with backoff.
 */
@Injectable()
export class NotificationsReactor implements OnApplicationBootstrap {
  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MAILER) private readonly mailer: Mailer,
    private readonly reactors: ReactorHost,
    private readonly repository: EventSourcedRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === 'api') return;
    const sentEmails = new SentEmails(this.db);
    await sentEmails.prepare();
    const recipients = new Recipients(this.db);
    const journal = new EmailJournal(this.repository);
    const handler = new NotificationsHandler(sentEmails, recipients, this.mailer, journal);
    await this.reactors.start(NOTIFICATIONS_SUBSCRIPTION, NOTIFICATION_TRIGGERS, (events) =>
      handler.handle(events),
    );
  }
}
