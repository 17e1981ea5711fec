import { reactionContext } from '../eventsourcing/deciders/command-context';
import { Decider, DomainEvent } from '../eventsourcing/deciders/decider';
import { EventSourcedRepository } from '../eventsourcing/deciders/event-sourced-repository';
import { EventSchema } from '../eventsourcing/event-store/event-schema-registry';
import { RecordedDomainEvent } from '../eventsourcing/event-store/event-metadata';

/** An e-mail went out, in the conversation of the event that called for it. No address: only whose it was. */
export type EmailSent = DomainEvent<
  'EmailSent',
  { messageId: string; userId: string; subject: string; triggeredBy: string }
>;

export const notificationEventSchemas: EventSchema[] = [{ type: 'EmailSent', version: 1 }];

/** Each e-mail's own stream: it holds one event. */
export const emailStreamId = (messageId: string): string => `email-${messageId}`;

type RecordEmail = { type: 'RecordEmail' } & EmailSent['data'];

/** An e-mail's stream: it says once that the e-mail went out. */
export const emailDecider: Decider<{ sent: boolean }, RecordEmail, EmailSent> = {
  initialState: { sent: false },
  evolve: () => ({ sent: true }),
  decide: ({ messageId, userId, subject, triggeredBy }, state) =>
    state.sent ? [] : [{ type: 'EmailSent', data: { messageId, userId, subject, triggeredBy } }],
};

/**
 * Puts the e-mails sent into the event store, so that an audit trail shows them beside the
 * events that caused them. Recording one twice records it once.
 */
export class EmailJournal {
  constructor(private readonly repository: EventSourcedRepository) {}

  async record(trigger: RecordedDomainEvent, email: { messageId: string; userId: string; subject: string }) {
    const { messageId, userId, subject } = email;
    const command: RecordEmail = {
      type: 'RecordEmail',
      messageId,
      userId,
      subject,
      triggeredBy: trigger.type,
    };
    // The record belongs to its recipient, whoever's request set it off: the audit trail shows
    // the streams a user started to that user alone.
    const context = { ...reactionContext(trigger, `journal-email/${userId}`), userId };
    await this.repository.handle(emailStreamId(messageId), emailDecider, command, context);
  }
}
