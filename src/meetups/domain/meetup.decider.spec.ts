import { given } from '../../eventsourcing/testing/decider-specification';
import { Actor } from '../../identity/domain/role';
import { meetupDecider } from './meetup.decider';
import { MeetupEvent, MeetupScheduled } from './meetup.events';

const now = new Date('2026-01-01T10:00:00Z');
const future = new Date('2026-03-01T18:00:00Z');
const meetupId = '5f2b7c1e-0d7a-4a53-9a51-2c9e3d0b8f11';
const organiser: Actor = { userId: 'organiser-1', role: 'ORGANIZER' };
const otherOrganiser: Actor = { userId: 'organiser-2', role: 'ORGANIZER' };
const attendee: Actor = { userId: 'attendee-1', role: 'ATTENDEE' };
const admin: Actor = { userId: 'admin-1', role: 'ADMIN' };

const scheduled: MeetupScheduled = {
  type: 'MeetupScheduled',
  data: {
    meetupId,
    title: 'Event sourcing',
    description: 'Talks',
    city: 'Lisbon',
    startsAt: future.toISOString(),
    capacity: 50,
    organizerId: organiser.userId,
  },
};
const published: MeetupEvent = { type: 'MeetupPublished', data: { meetupId } };
const cancelled: MeetupEvent = { type: 'MeetupCancelled', data: { meetupId, reason: 'Venue closed' } };

describe('meetup decider', () => {
  const { title, description, city, capacity } = scheduled.data;
  const schedule = {
    type: 'ScheduleMeetup' as const,
    meetupId,
    title,
    description,
    city,
    capacity,
    startsAt: future,
    actor: organiser,
    now,
  };
  const publish = (actor: Actor) => ({ type: 'PublishMeetup' as const, meetupId, actor });
  const reschedule = (actor: Actor, startsAt: Date) => ({
    type: 'RescheduleMeetup' as const,
    meetupId,
    actor,
    startsAt,
    now,
  });
  const cancel = (actor: Actor, reason: string) => ({
    type: 'CancelMeetup' as const,
    meetupId,
    actor,
    reason,
  });

  it('schedules a draft meetup', () => {
    given(meetupDecider).when(schedule).then([scheduled]);
  });

  it('records the actor who schedules as the organiser', () => {
    given(meetupDecider)
      .when({ ...schedule, actor: otherOrganiser })
      .then([{ ...scheduled, data: { ...scheduled.data, organizerId: otherOrganiser.userId } }]);
    given(meetupDecider)
      .when({ ...schedule, actor: admin })
      .then([{ ...scheduled, data: { ...scheduled.data, organizerId: admin.userId } }]);
  });

  it('lets only organisers and admins schedule', () => {
    given(meetupDecider)
      .when({ ...schedule, actor: attendee })
      .thenFails('FORBIDDEN');
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
    given(meetupDecider, [scheduled]).when(publish(organiser)).then([published]);
    given(meetupDecider, [scheduled, published]).when(publish(organiser)).thenNothingHappened();
  });

  it('refuses to act on a meetup that does not exist', () => {
    given(meetupDecider).when(publish(organiser)).thenFails('MEETUP_NOT_FOUND');
    given(meetupDecider).when(cancel(organiser, 'x')).thenFails('MEETUP_NOT_FOUND');
  });

  it('reschedules into the future only', () => {
    const later = new Date('2026-04-01T18:00:00Z');
    given(meetupDecider, [scheduled])
      .when(reschedule(organiser, later))
      .then([
        {
          type: 'MeetupRescheduled',
          data: { meetupId, startsAt: later.toISOString(), previousStartsAt: future.toISOString() },
        },
      ]);
    given(meetupDecider, [scheduled])
      .when(reschedule(organiser, new Date('2025-12-31T00:00:00Z')))
      .thenFails('INVALID_START');
    given(meetupDecider, [scheduled]).when(reschedule(organiser, future)).thenNothingHappened();
  });

  it('cancels once, and then refuses publishing, rescheduling and cancelling', () => {
    given(meetupDecider, [scheduled, published]).when(cancel(organiser, 'Venue closed')).then([cancelled]);
    const history = [scheduled, cancelled];
    given(meetupDecider, history).when(publish(organiser)).thenFails('MEETUP_CANCELLED');
    given(meetupDecider, history).when(reschedule(organiser, future)).thenFails('MEETUP_CANCELLED');
    given(meetupDecider, history).when(cancel(organiser, 'again')).thenFails('MEETUP_CANCELLED');
  });

  it("refuses another organiser's changes to a meetup", () => {
    const later = new Date('2026-04-01T18:00:00Z');
    given(meetupDecider, [scheduled]).when(publish(otherOrganiser)).thenFails('FORBIDDEN');
    given(meetupDecider, [scheduled]).when(reschedule(otherOrganiser, later)).thenFails('FORBIDDEN');
    given(meetupDecider, [scheduled, published])
      .when(cancel(otherOrganiser, 'Mine now'))
      .thenFails('FORBIDDEN');
    // Nor may an attendee, even one who could not have scheduled it.
    given(meetupDecider, [scheduled]).when(publish(attendee)).thenFails('FORBIDDEN');
  });

  it("lets an admin publish, reschedule and cancel anyone's meetup", () => {
    const later = new Date('2026-04-01T18:00:00Z');
    given(meetupDecider, [scheduled]).when(publish(admin)).then([published]);
    given(meetupDecider, [scheduled])
      .when(reschedule(admin, later))
      .then([
        {
          type: 'MeetupRescheduled',
          data: { meetupId, startsAt: later.toISOString(), previousStartsAt: future.toISOString() },
        },
      ]);
    given(meetupDecider, [scheduled, published]).when(cancel(admin, 'Venue closed')).then([cancelled]);
  });
});
