import { given } from '../../eventsourcing/testing/decider-specification';
import { meetupDecider } from './meetup.decider';
import { MeetupEvent, MeetupScheduled } from './meetup.events';

const now = new Date('2026-01-01T10:00:00Z');
const future = new Date('2026-03-01T18:00:00Z');
const meetupId = '5f2b7c1e-0d7a-4a53-9a51-2c9e3d0b8f11';

const scheduled: MeetupScheduled = {
  type: 'MeetupScheduled',
  data: {
    meetupId,
    title: 'Event sourcing',
    description: 'Talks',
    city: 'Lisbon',
    startsAt: future.toISOString(),
    capacity: 50,
  },
};
const published: MeetupEvent = { type: 'MeetupPublished', data: { meetupId } };
const cancelled: MeetupEvent = { type: 'MeetupCancelled', data: { meetupId, reason: 'Venue closed' } };

describe('meetup decider', () => {
  const schedule = { type: 'ScheduleMeetup' as const, ...scheduled.data, startsAt: future, now };

  it('schedules a draft meetup', () => {
    given(meetupDecider).when(schedule).then([scheduled]);
  });

  it('records the organiser when known', () => {
    given(meetupDecider)
      .when({ ...schedule, organizerId: 'user-1' })
      .then([{ ...scheduled, data: { ...scheduled.data, organizerId: 'user-1' } }]);
  });

  it('refuses a start that is not in the future', () => {
    given(meetupDecider)
      .when({ ...schedule, startsAt: now })
      .thenFails('INVALID_START');
  });

  it('refuses to schedule the same meetup twice', () => {
    given(meetupDecider, [scheduled]).when(schedule).thenFails('MEETUP_ALREADY_EXISTS');
  });

  it('publishes a draft, and publishing again changes nothing', () => {
    given(meetupDecider, [scheduled]).when({ type: 'PublishMeetup', meetupId }).then([published]);
    given(meetupDecider, [scheduled, published])
      .when({ type: 'PublishMeetup', meetupId })
      .thenNothingHappened();
  });

  it('refuses to act on a meetup that does not exist', () => {
    given(meetupDecider).when({ type: 'PublishMeetup', meetupId }).thenFails('MEETUP_NOT_FOUND');
    given(meetupDecider).when({ type: 'CancelMeetup', meetupId, reason: 'x' }).thenFails('MEETUP_NOT_FOUND');
  });

  it('reschedules into the future only', () => {
    const later = new Date('2026-04-01T18:00:00Z');
    given(meetupDecider, [scheduled])
      .when({ type: 'RescheduleMeetup', meetupId, startsAt: later, now })
      .then([
        {
          type: 'MeetupRescheduled',
          data: { meetupId, startsAt: later.toISOString(), previousStartsAt: future.toISOString() },
        },
      ]);
    given(meetupDecider, [scheduled])
      .when({ type: 'RescheduleMeetup', meetupId, startsAt: new Date('2025-12-31T00:00:00Z'), now })
      .thenFails('INVALID_START');
    given(meetupDecider, [scheduled])
      .when({ type: 'RescheduleMeetup', meetupId, startsAt: future, now })
      .thenNothingHappened();
  });

  it('cancels once, and then refuses publishing, rescheduling and cancelling', () => {
    given(meetupDecider, [scheduled, published])
      .when({ type: 'CancelMeetup', meetupId, reason: 'Venue closed' })
      .then([cancelled]);
    const history = [scheduled, cancelled];
    given(meetupDecider, history).when({ type: 'PublishMeetup', meetupId }).thenFails('MEETUP_CANCELLED');
    given(meetupDecider, history)
      .when({ type: 'RescheduleMeetup', meetupId, startsAt: future, now })
      .thenFails('MEETUP_CANCELLED');
    given(meetupDecider, history)
      .when({ type: 'CancelMeetup', meetupId, reason: 'again' })
      .thenFails('MEETUP_CANCELLED');
  });
});
