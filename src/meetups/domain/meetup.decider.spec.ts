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
    ticketPriceCents: 0,
    organizerId: organiser.userId,
  },
};
const published: MeetupEvent = { type: 'MeetupPublished', data: { meetupId } };
const cancelled: MeetupEvent = { type: 'MeetupCancelled', data: { meetupId, reason: 'Venue closed' } };

describe('meetup decider', () => {
  const { title, description, city, capacity, ticketPriceCents } = scheduled.data;
  const schedule = {
    type: 'ScheduleMeetup' as const,
    meetupId,
    title,
    description,
    city,
    capacity,
    ticketPriceCents,
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

  describe('seats', () => {
    const orderA = 'order-a';
    const orderB = 'order-b';
    const reserve = (orderId: string, quantity: number, at = now) => ({
      type: 'ReserveSeats' as const,
      meetupId,
      orderId,
      quantity,
      now: at,
    });
    const release = (orderId: string) => ({ type: 'ReleaseSeats' as const, meetupId, orderId });
    const reserved = (orderId: string, quantity: number): MeetupEvent => ({
      type: 'SeatsReserved',
      data: { meetupId, orderId, quantity },
    });
    const small: MeetupScheduled = { ...scheduled, data: { ...scheduled.data, capacity: 3 } };

    it('reserves seats of a published meetup while there are enough, once per order', () => {
      given(meetupDecider, [small, published])
        .when(reserve(orderA, 2))
        .then([reserved(orderA, 2)]);
      given(meetupDecider, [small, published, reserved(orderA, 2)])
        .when(reserve(orderA, 2))
        .thenNothingHappened();
      given(meetupDecider, [small, published, reserved(orderA, 2)])
        .when(reserve(orderB, 2))
        .thenFails('SOLD_OUT');
      given(meetupDecider, [small, published, reserved(orderA, 2)])
        .when(reserve(orderB, 1))
        .then([reserved(orderB, 1)]);
    });

    it('refuses seats of a draft, a cancelled or a started meetup', () => {
      given(meetupDecider, [small]).when(reserve(orderA, 1)).thenFails('MEETUP_NOT_PUBLISHED');
      given(meetupDecider, [small, published, cancelled])
        .when(reserve(orderA, 1))
        .thenFails('MEETUP_CANCELLED');
      given(meetupDecider, [small, published])
        .when(reserve(orderA, 1, future))
        .thenFails('MEETUP_STARTED');
      given(meetupDecider).when(reserve(orderA, 1)).thenFails('MEETUP_NOT_FOUND');
    });

    it('releases what an order holds, once, also on a cancelled meetup, and the seats are free again', () => {
      const released: MeetupEvent = {
        type: 'SeatsReleased',
        data: { meetupId, orderId: orderA, quantity: 3, sold: false },
      };
      given(meetupDecider, [small, published, reserved(orderA, 3)])
        .when(release(orderA))
        .then([released]);
      given(meetupDecider, [small, published, reserved(orderA, 3), released])
        .when(release(orderA))
        .thenNothingHappened();
      given(meetupDecider, [small, published, reserved(orderA, 3), cancelled])
        .when(release(orderA))
        .then([released]);
      given(meetupDecider, [small, published, reserved(orderA, 3), released])
        .when(reserve(orderB, 3))
        .then([reserved(orderB, 3)]);
    });

    it("sells a confirmed order's held seats once, and releases sold seats only when told how many", () => {
      const sold: MeetupEvent = { type: 'SeatsSold', data: { meetupId, orderId: orderA, quantity: 3 } };
      const sell = { type: 'SellSeats' as const, meetupId, orderId: orderA };
      given(meetupDecider, [small, published, reserved(orderA, 3)])
        .when(sell)
        .then([sold]);
      given(meetupDecider, [small, published, reserved(orderA, 3), sold])
        .when(sell)
        .thenNothingHappened();
      given(meetupDecider, [small, published, reserved(orderA, 3), cancelled])
        .when(sell)
        .then([sold]);
      // Sold seats stay taken.
      given(meetupDecider, [small, published, reserved(orderA, 3), sold])
        .when(reserve(orderB, 1))
        .thenFails('SOLD_OUT');
      given(meetupDecider, [small, published, reserved(orderA, 3), sold])
        .when(release(orderA))
        .thenNothingHappened();
      given(meetupDecider, [small, published, reserved(orderA, 3), sold, cancelled])
        .when({ ...release(orderA), soldQuantity: 3 })
        .then([{ type: 'SeatsReleased', data: { meetupId, orderId: orderA, quantity: 3, sold: true } }]);
      given(meetupDecider, [small, published, reserved(orderA, 3), sold])
        .when({ ...release(orderA), soldQuantity: 4 })
        .thenNothingHappened();
    });
  });
});
