import { Actor } from '../../identity/domain/role';

/**
 * Commands carry the time they are decided at, so that `decide` stays pure, and who asks: the
 * organiser of a meetup is the one who scheduled it, and only they (or an admin) may change it.
 */
export interface ScheduleMeetup {
  type: 'ScheduleMeetup';
  meetupId: string;
  title: string;
  description: string;
  city: string;
  startsAt: Date;
  capacity: number;
  /** The price of one ticket, in cents. */
  ticketPriceCents: number;
  actor: Actor;
  now: Date;
}

export interface PublishMeetup {
  type: 'PublishMeetup';
  meetupId: string;
  actor: Actor;
}

export interface RescheduleMeetup {
  type: 'RescheduleMeetup';
  meetupId: string;
  actor: Actor;
  startsAt: Date;
  now: Date;
}

export interface CancelMeetup {
  type: 'CancelMeetup';
  meetupId: string;
  actor: Actor;
  reason: string;
}

/** Seats are reserved, sold and released by the order process, for one order each. */
export interface ReserveSeats {
  type: 'ReserveSeats';
  meetupId: string;
  orderId: string;
  quantity: number;
  now: Date;
}
export interface SellSeats {
  type: 'SellSeats';
  meetupId: string;
  orderId: string;
}
export interface ReleaseSeats {
  type: 'ReleaseSeats';
  meetupId: string;
  orderId: string;
  /** Set for an order whose seats were sold: how many go back. */
  soldQuantity?: number;
}
export type OrganiserCommand = PublishMeetup | RescheduleMeetup | CancelMeetup;
export type MeetupCommand = ScheduleMeetup | OrganiserCommand | ReserveSeats | SellSeats | ReleaseSeats;
