/** How an e-mail leaves: over SMTP, or only recorded in the outbox (`sent_emails`). */
export type MailTransport = 'smtp' | 'outbox';

export interface OutgoingEmail {
  /** The same for every attempt at the same e-mail, so receivers can tell a repeat. */
  messageId: string;
  /** The recipient's user id. */
  userId: string;
  to: string;
  subject: string;
  text: string;
}

/** Sends one e-mail; rejects when it was not accepted, so the caller tries again. */
export interface Mailer {
  readonly transport: MailTransport;
  send(message: OutgoingEmail): Promise<void>;
}

export const MAILER = Symbol('MAILER');
