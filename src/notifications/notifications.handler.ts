import { RecordedDomainEvent } from '../eventsourcing/event-store/event-metadata';
import type { UserForgotten, UserRegistered } from '../identity/domain/user.events';
import type { OrderCancelled, OrderConfirmed } from '../ordering/domain/order.events';
import { normaliseEmail } from '../identity/email-address';
import { EmailJournal } from './email-journal';
import { Mailer } from './mail/mailer';
import { messageIdFor } from './message-ids';
import { cancellationEmail, confirmationEmail } from './order-emails';
import { Recipients } from './recipients';
import { SentEmails } from './sent-emails';
import { welcomeEmail } from './welcome-email';

type Trigger = UserRegistered | UserForgotten | OrderConfirmed | OrderCancelled;
type RecordedTrigger = RecordedDomainEvent & Trigger;

/** The event types the reactor acts on. */
export const NOTIFICATION_TRIGGERS: readonly Trigger['type'][] = [
  'UserRegistered',
  'UserForgotten',
  'OrderConfirmed',
  'OrderCancelled',
];
const TRIGGERS: ReadonlySet<string> = new Set(NOTIFICATION_TRIGGERS);
const isTrigger = (event: RecordedDomainEvent): event is RecordedTrigger => TRIGGERS.has(event.type);

/**
 * What the notifications reactor does with a batch of events. Each e-mail is looked up in the
 * inbox (`sent_emails`) before it is sent and recorded there once sent, so a batch retried after
 * a failure, or a replay from the start, sends nothing twice. A failed send throws: the batch is
 * retried and what was already sent is skipped. Every e-mail sent is also journalled in the
 * event store (`EmailSent`), in the conversation of the event that called for it.
 */
export class NotificationsHandler {
  constructor(
    private readonly sentEmails: SentEmails,
    private readonly recipients: Recipients,
    private readonly mailer: Mailer,
    private readonly journal: EmailJournal,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async handle(events: RecordedDomainEvent[]): Promise<void> {
    for (const event of events) if (isTrigger(event)) await this.react(event);
  }

  private async react(event: RecordedTrigger): Promise<void> {
    switch (event.type) {
      case 'UserRegistered':
        return this.welcome(event);
      case 'UserForgotten':
        await this.recipients.forget(event.data.userId);
        return this.sentEmails.forget(event.data.userId);
      case 'OrderConfirmed': {
        const { orderId, buyerId, tickets } = event.data;
        return this.sendTo(event, buyerId, confirmationEmail(orderId, tickets));
      }
      case 'OrderCancelled': {
        const { orderId, buyerId, reason, afterConfirmation } = event.data;
        return this.sendTo(event, buyerId, cancellationEmail(orderId, reason, afterConfirmation));
      }
    }
  }

  private async welcome(event: RecordedDomainEvent & UserRegistered): Promise<void> {
    const { userId, email } = event.data;
    // Null once the person has been forgotten: there is no one to write to any more.
    if (typeof email !== 'string' || email.trim() === '') return;
    await this.recipients.remember(userId, email.trim());
    await this.send(event, userId, email, welcomeEmail());
  }

  /** To a user the reactor knows the address of; a forgotten one is written to no more. */
  private async sendTo(
    event: RecordedDomainEvent,
    userId: string,
    content: { subject: string; text: string },
  ) {
    const email = await this.recipients.emailOf(userId);
    if (email) await this.send(event, userId, email, content);
  }

  private async send(
    event: RecordedDomainEvent,
    userId: string,
    email: string,
    { subject, text }: { subject: string; text: string },
  ): Promise<void> {
    const messageId = messageIdFor(event.eventId, userId);
    if (!(await this.sentEmails.has(messageId))) {
      await this.mailer.send({ messageId, userId, to: email.trim(), subject, text });
      await this.sentEmails.record({
        _id: messageId,
        eventId: event.eventId,
        userId,
        to: normaliseEmail(email),
        subject,
        text,
        sentAt: this.now(),
        transport: this.mailer.transport,
      });
    }
    await this.journal.record(event, { messageId, userId, subject });
  }
}
