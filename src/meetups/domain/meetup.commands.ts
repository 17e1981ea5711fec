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

export type MeetupCommand = ScheduleMeetup | PublishMeetup | RescheduleMeetup | CancelMeetup;
