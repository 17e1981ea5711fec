import { projectionSpecification } from '../src/eventsourcing/testing/projection-specification';
import { recordedEvents } from '../src/eventsourcing/testing/recorded-events';
import type { MeetupEvent } from '../src/meetups/domain/meetup.events';
import type { OrderEvent } from '../src/ordering/domain/order.events';
import { meetupSalesProjection } from './meetup-sales.projection';

const meetupId = '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const scheduled: MeetupEvent = {
  type: 'MeetupScheduled',
  data: {
    meetupId,
    title: 'Sales',
    description: '',
    city: 'Lisbon',
    startsAt: '2030-03-01T18:00:00.000Z',
    capacity: 10,
    organizerId: 'organiser-1',
    ticketPriceCents: 500,
  },
};
const reserved = (orderId: string, quantity: number): MeetupEvent => ({
  type: 'SeatsReserved',
  data: { meetupId, orderId, quantity },
});
const released = (orderId: string, quantity: number): MeetupEvent => ({
  type: 'SeatsReleased',
  data: { meetupId, orderId, quantity, sold: false },
});
const confirmed = (orderId: string, quantity: number): OrderEvent => ({
  type: 'OrderConfirmed',
  data: { orderId, meetupId, buyerId: 'buyer-1', quantity, amountCents: quantity * 500, tickets: [] },
});
const cancelled = (orderId: string, quantity: number, afterConfirmation: boolean): OrderEvent => ({
  type: 'OrderCancelled',
  data: {
    orderId,
    meetupId,
    buyerId: 'buyer-1',
    reason: 'MEETUP_CANCELLED',
    quantity,
    amountCents: quantity * 500,
    afterConfirmation,
  },
});

describe('meetup sales projection', () => {
  let spec: Awaited<ReturnType<typeof projectionSpecification>>;
  beforeAll(async () => {
    spec = await projectionSpecification(meetupSalesProjection);
  });
  afterAll(() => spec.close());

  const base = { _id: meetupId, organizerId: 'organiser-1', capacity: 10 };

  it('counts seats held and sold, and the revenue of confirmed orders', async () => {
    await spec
      .given(
        ...recordedEvents(`meetup-${meetupId}`, [scheduled, reserved('a', 2), reserved('b', 3)]),
        ...recordedEvents('order-a', [confirmed('a', 2)], 4),
      )
      .then([{ ...base, seatsHeld: 5, seatsSold: 2, revenueCents: 1000 }]);
  });

  it('undoes a sale cancelled after confirmation, and only that', async () => {
    await spec
      .given(
        ...recordedEvents(`meetup-${meetupId}`, [scheduled, reserved('a', 2), reserved('b', 3)]),
        ...recordedEvents('order-a', [confirmed('a', 2), cancelled('a', 2, true)], 4),
        ...recordedEvents('order-b', [cancelled('b', 3, false)], 4),
        ...recordedEvents(`meetup-${meetupId}`, [released('a', 2), released('b', 3)], 3),
      )
      .then([{ ...base, seatsHeld: 0, seatsSold: 0, revenueCents: 0 }]);
  });
});
