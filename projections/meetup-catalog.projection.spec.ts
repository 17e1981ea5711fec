import { projectionSpecification } from '../src/eventsourcing/testing/projection-specification';
import { recordedEvents } from '../src/eventsourcing/testing/recorded-events';
import type { MeetupEvent, MeetupScheduled } from '../src/meetups/domain/meetup.events';
import { meetupCatalogProjection } from './meetup-catalog.projection';

const meetupId = '0b7d5a52-6c1f-4f3e-8d7a-1e2f3a4b5c6d';
const streamId = `meetup-${meetupId}`;
const scheduled: MeetupEvent = {
  type: 'MeetupScheduled',
  data: {
    meetupId,
    title: 'Event sourcing',
    description: 'Talks',
    city: 'Lisbon',
    startsAt: '2026-03-01T18:00:00.000Z',
    capacity: 50,
    ticketPriceCents: 0,
    organizerId: 'user-1',
  },
};
const published: MeetupEvent = { type: 'MeetupPublished', data: { meetupId } };
const rescheduled: MeetupEvent = {
  type: 'MeetupRescheduled',
  data: { meetupId, startsAt: '2026-04-01T18:00:00.000Z', previousStartsAt: '2026-03-01T18:00:00.000Z' },
};
const cancelled: MeetupEvent = { type: 'MeetupCancelled', data: { meetupId, reason: 'Venue closed' } };

const draft = {
  _id: meetupId,
  title: 'Event sourcing',
  description: 'Talks',
  city: 'Lisbon',
  startsAt: new Date('2026-03-01T18:00:00.000Z'),
  capacity: 50,
  ticketPriceCents: 0,
  seatsTaken: 0,
  status: 'DRAFT',
  organizerId: 'user-1',
  revision: 0,
};

describe('meetup catalog projection', () => {
  let spec: Awaited<ReturnType<typeof projectionSpecification>>;
  beforeAll(async () => {
    spec = await projectionSpecification(meetupCatalogProjection);
  });
  afterAll(() => spec.close());

  it('lists a scheduled meetup as a draft', async () => {
    await spec.given(...recordedEvents(streamId, [scheduled])).then([draft]);
  });

  it('follows publishing, rescheduling and cancelling', async () => {
    await spec
      .given(...recordedEvents(streamId, [scheduled, published, rescheduled]))
      .then([{ ...draft, status: 'PUBLISHED', startsAt: new Date('2026-04-01T18:00:00.000Z'), revision: 2 }]);
    await spec
      .given(...recordedEvents(streamId, [scheduled, published, cancelled]))
      .then([{ ...draft, status: 'CANCELLED', revision: 2 }]);
  });

  it('lists no organiser for a meetup scheduled before organisers were recorded', async () => {
    const { organizerId: _organizer, ...data } = (scheduled as MeetupScheduled).data;
    const { organizerId: _listed, ...listed } = draft;
    await spec.given(...recordedEvents(streamId, [{ ...scheduled, data } as MeetupEvent])).then([listed]);
  });

  it('keeps meetups apart, and ignores a change to a meetup it never saw scheduled', async () => {
    const otherId = 'f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e0f';
    await spec
      .given(
        ...recordedEvents(streamId, [scheduled]),
        ...recordedEvents(`meetup-${otherId}`, [{ type: 'MeetupPublished', data: { meetupId: otherId } }], 1),
      )
      .then([draft]);
  });

  it('counts the seats orders hold', async () => {
    const seats = (
      type: 'SeatsReserved' | 'SeatsReleased',
      orderId: string,
      quantity: number,
    ): MeetupEvent =>
      type === 'SeatsReserved'
        ? { type, data: { meetupId, orderId, quantity } }
        : { type, data: { meetupId, orderId, quantity, sold: false } };
    await spec
      .given(
        ...recordedEvents(streamId, [
          scheduled,
          published,
          seats('SeatsReserved', 'a', 2),
          seats('SeatsReserved', 'b', 3),
          seats('SeatsReleased', 'a', 2),
        ]),
      )
      .then([{ ...draft, status: 'PUBLISHED', seatsTaken: 3, revision: 4 }]);
  });
});
