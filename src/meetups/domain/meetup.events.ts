import { DomainEvent } from '../../eventsourcing/deciders/decider';
import { EventSchema } from '../../eventsourcing/event-store/event-schema-registry';

export type MeetupScheduled = DomainEvent<
  'MeetupScheduled',
  {
    meetupId: string;
    title: string;
    description: string;
    city: string;
    /** ISO-8601 */
    startsAt: string;
    capacity: number;
    organizerId?: string;
  }
>;
export type MeetupPublished = DomainEvent<'MeetupPublished', { meetupId: string }>;
export type MeetupRescheduled = DomainEvent<
  'MeetupRescheduled',
  { meetupId: string; startsAt: string; previousStartsAt: string }
>;
export type MeetupCancelled = DomainEvent<'MeetupCancelled', { meetupId: string; reason: string }>;

export type MeetupEvent = MeetupScheduled | MeetupPublished | MeetupRescheduled | MeetupCancelled;

export const MEETUP_EVENT_TYPES = [
  'MeetupScheduled',
  'MeetupPublished',
  'MeetupRescheduled',
  'MeetupCancelled',
] as const satisfies readonly MeetupEvent['type'][];

export const meetupEventSchemas: EventSchema[] = MEETUP_EVENT_TYPES.map((type) => ({ type, version: 1 }));
