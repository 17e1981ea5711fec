import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventStoreDBClient } from '@eventstore/db-client';
import { Db } from 'mongodb';
import { AppConfig } from '../config/app-config';
import { EventSerializer } from '../eventsourcing/event-store/event-serializer';
import { CheckpointStore } from '../eventsourcing/subscriptions/checkpoint-store';
import { SubscriptionRunner, SubscriptionStatus } from '../eventsourcing/subscriptions/subscription-runner';
import { APP_CONFIG, EVENTSTORE_CLIENT, MONGO_DB } from '../eventsourcing/tokens';
import { Mailer, MAILER } from './mail/mailer';
import { NotificationsHandler } from './notifications.handler';
import { SentEmails } from './sent-emails';

export const NOTIFICATIONS_SUBSCRIPTION = 'reactor:notifications';

/**
 * Sends the e-mails events call for (a welcome on sign-up) and forgets them with their
 * recipient. Runs on the worker role as its own checkpointed subscription; a failing mail server
 * holds back only this subscription, which retries with backoff.
 */
@Injectable()
export class NotificationsReactor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Notifications');
  private runner: SubscriptionRunner | undefined;

  constructor(
    @Inject(EVENTSTORE_CLIENT) private readonly client: EventStoreDBClient,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MAILER) private readonly mailer: Mailer,
    private readonly serializer: EventSerializer,
    private readonly checkpoints: CheckpointStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === 'api') return;
    const sentEmails = new SentEmails(this.db);
    await sentEmails.prepare();
    const handler = new NotificationsHandler(sentEmails, this.mailer);
    this.runner = new SubscriptionRunner(this.client, this.serializer, this.checkpoints, {
      name: NOTIFICATIONS_SUBSCRIPTION,
      handle: (events) => handler.handle(events),
      log: (message) => this.logger.warn(message),
    });
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner?.stop();
    this.runner = undefined;
  }

  status(): SubscriptionStatus | undefined {
    return this.runner?.status();
  }
}
