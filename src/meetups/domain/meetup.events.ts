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
    /** Absent from meetups scheduled before organisers were recorded. */
    organizerId?: string;
    /** Since schema version 2; earlier meetups read as free. */
    ticketPriceCents: number;
  }
>;
export type MeetupPublished = DomainEvent<'MeetupPublished', { meetupId: string }>;
export type MeetupRescheduled = DomainEvent<
  'MeetupRescheduled',
  { meetupId: string; startsAt: string; previousStartsAt: string }
>;
export type MeetupCancelled = DomainEvent<'MeetupCancelled', { meetupId: string; reason: string }>;

export type SeatsReserved = DomainEvent<
  'SeatsReserved',
  { meetupId: string; orderId: string; quantity: number }
>;
/** A confirmed order's held seats, now sold. */
export type SeatsSold = DomainEvent<'SeatsSold', { meetupId: string; orderId: string; quantity: number }>;
export type SeatsReleased = DomainEvent<
  'SeatsReleased',
  {
    meetupId: string;
    orderId: string;
    quantity: number;
    /** Since schema version 2: the seats had been sold (the meetup was cancelled); else held. */
    sold: boolean;
  }
>;

export type MeetupEvent =
  | MeetupScheduled
  | MeetupPublished
  | MeetupRescheduled
  | MeetupCancelled
  | SeatsReserved
  | SeatsSold
  | SeatsReleased;

export const MEETUP_EVENT_TYPES = [
  'MeetupScheduled',
  'MeetupPublished',
  'MeetupRescheduled',
  'MeetupCancelled',
  'SeatsReserved',
  'SeatsSold',
  'SeatsReleased',
] as const satisfies readonly MeetupEvent['type'][];

const UPCASTS: Partial<Record<MeetupEvent['type'], EventSchema>> = {
  MeetupScheduled: {
    type: 'MeetupScheduled',
    version: 2,
    upcasters: { 1: (data) => ({ ...data, ticketPriceCents: 0 }) },
  },
  SeatsReleased: {
    type: 'SeatsReleased',
    version: 2,
    upcasters: { 1: (data) => ({ ...data, sold: false }) },
  },
};

export const meetupEventSchemas: EventSchema[] = MEETUP_EVENT_TYPES.map(
  (type) => UPCASTS[type] ?? { type, version: 1 },
);
