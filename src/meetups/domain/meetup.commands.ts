/** Commands carry the time they are decided at, so that `decide` stays pure. */
export interface ScheduleMeetup {
  type: 'ScheduleMeetup';
  meetupId: string;
  title: string;
  description: string;
  city: string;
  startsAt: Date;
  capacity: number;
  organizerId?: string;
  now: Date;
}

export interface PublishMeetup {
  type: 'PublishMeetup';
  meetupId: string;
}

export interface RescheduleMeetup {
  type: 'RescheduleMeetup';
  meetupId: string;
  startsAt: Date;
  now: Date;
}

export interface CancelMeetup {
  type: 'CancelMeetup';
  meetupId: string;
  reason: string;
}

export type MeetupCommand = ScheduleMeetup | PublishMeetup | RescheduleMeetup | CancelMeetup;
