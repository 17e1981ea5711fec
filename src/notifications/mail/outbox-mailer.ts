import { Mailer } from './mailer';

/**
 * Delivers nothing: without an SMTP server, an e-mail is only recorded in `sent_emails`, where
 * the `sentEmails` query shows it.
 */
export class OutboxMailer implements Mailer {
  readonly transport = 'outbox';

  async send(): Promise<void> {}
}
