import { createTransport, Transporter } from 'nodemailer';
import { Mailer, OutgoingEmail } from './mailer';

/** The Message-ID header of an e-mail: the same for every attempt, so receivers can deduplicate. */
export const messageIdHeader = (messageId: string): string => `<${messageId}@meetups.local>`;

/** Bounds a stalled server, so a retry comes in seconds rather than after nodemailer's minutes. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** Delivers through an SMTP server; settings in the URL's query take precedence over the timeouts. */
export class SmtpMailer implements Mailer {
  readonly transport = 'smtp';
  private readonly transporter: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transporter = createTransport({ url: smtpUrl, ...TIMEOUTS });
  }

  async send(message: OutgoingEmail): Promise<void> {
    await this.transporter.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      messageId: messageIdHeader(message.messageId),
    });
  }
}
