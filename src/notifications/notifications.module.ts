import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../eventsourcing/tokens';
import { SentEmailsReader } from './graphql/sent-emails.reader';
import { SentEmailsResolver } from './graphql/sent-emails.resolver';
import { Mailer, MAILER } from './mail/mailer';
import { OutboxMailer } from './mail/outbox-mailer';
import { SmtpMailer } from './mail/smtp-mailer';
import { NotificationsReactor } from './notifications.reactor';

/**
 * E-mails: the reactor sending them (worker and all roles) and the `sentEmails` query (api and
 * all roles). Without SMTP_URL nothing is delivered: e-mails are only recorded.
 */
@Module({
  providers: [
    {
      provide: MAILER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Mailer =>
        config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.mailFrom) : new OutboxMailer(),
    },
    NotificationsReactor,
    SentEmailsReader,
    SentEmailsResolver,
  ],
})
export class NotificationsModule {}
