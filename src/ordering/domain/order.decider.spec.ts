import { given } from '../../eventsourcing/testing/decider-specification';
import { Actor } from '../../identity/domain/role';
import { orderDecider } from './order.decider';
import { OrderEvent } from './order.events';
import { ticketCodes } from './tickets';

const orderId = '9b1f0c2d-3e4a-4b5c-8d6e-7f8091a2b3c4';
const buyer: Actor = { userId: 'buyer-1', role: 'ATTENDEE' };
const stranger: Actor = { userId: 'someone-else', role: 'ATTENDEE' };
const admin: Actor = { userId: 'admin-1', role: 'ADMIN' };
const now = new Date('2026-06-01T12:00:00Z');
const expiresAt = new Date('2026-06-01T12:15:00Z');

const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId,
    meetupId: 'meetup-1',
    buyerId: buyer.userId,
    quantity: 2,
    amountCents: 3000,
    paymentToken: 'tok_ok',
    expiresAt: expiresAt.toISOString(),
  },
};
const paid: OrderEvent = { type: 'PaymentAuthorized', data: { orderId, authorizationId: 'auth-1' } };
const sale = { meetupId: 'meetup-1', buyerId: buyer.userId, quantity: 2, amountCents: 3000 };
const confirmed: OrderEvent = {
  type: 'OrderConfirmed',
  data: { orderId, ...sale, tickets: ticketCodes(orderId, 2) },
};
const cancelled = (
  reason: Extract<OrderEvent, { type: 'OrderCancelled' }>['data']['reason'],
  afterConfirmation = false,
): OrderEvent => ({
  type: 'OrderCancelled',
  data: { orderId, ...sale, reason, afterConfirmation },
});

describe('order decider', () => {
  it('places an order once, for its buyer', () => {
    const place = {
      type: 'PlaceOrder' as const,
      orderId,
      meetupId: 'meetup-1',
      quantity: 2,
      amountCents: 3000,
      paymentToken: 'tok_ok',
      paymentTimeoutSeconds: 900,
      actor: buyer,
      now,
    };
    given(orderDecider).when(place).then([placed]);
    given(orderDecider, [placed]).when(place).thenFails('ORDER_ALREADY_EXISTS');
  });

  it('is confirmed with its tickets once paid, and only then', () => {
    given(orderDecider, [placed]).when({ type: 'ConfirmOrder', orderId }).thenNothingHappened();
    given(orderDecider, [placed, paid]).when({ type: 'ConfirmOrder', orderId }).then([confirmed]);
    given(orderDecider, [placed, paid, confirmed])
      .when({ type: 'ConfirmOrder', orderId })
      .thenNothingHappened();
    expect(ticketCodes(orderId, 2)).toEqual(ticketCodes(orderId, 2));
    expect(new Set(ticketCodes(orderId, 10)).size).toBe(10);
  });

  it('is cancelled when its seats are rejected or its payment declined, once', () => {
    given(orderDecider, [placed])
      .when({ type: 'RejectSeats', orderId, reason: 'SOLD_OUT' })
      .then([{ type: 'SeatsRejected', data: { orderId, reason: 'SOLD_OUT' } }, cancelled('SOLD_OUT')]);
    given(orderDecider, [placed])
      .when({ type: 'DeclinePayment', orderId, reason: 'PAYMENT_TIMEOUT' })
      .then([
        { type: 'PaymentDeclined', data: { orderId, reason: 'PAYMENT_TIMEOUT' } },
        cancelled('PAYMENT_TIMEOUT'),
      ]);
    given(orderDecider, [placed, cancelled('SOLD_OUT')])
      .when({ type: 'DeclinePayment', orderId, reason: 'PAYMENT_DECLINED' })
      .thenNothingHappened();
  });

  it('records a payment only on a pending order: a late one is for the process to refund', () => {
    const record = { type: 'RecordPayment' as const, orderId, authorizationId: 'auth-1' };
    given(orderDecider, [placed]).when(record).then([paid]);
    given(orderDecider, [placed, paid]).when(record).thenNothingHappened();
    given(orderDecider, [placed, cancelled('EXPIRED')])
      .when(record)
      .thenNothingHappened();
  });

  it('lets its buyer or an admin cancel it before confirmation', () => {
    const asBuyer = (actor: Actor) => ({ type: 'CancelOrderAsBuyer' as const, orderId, actor });
    given(orderDecider, [placed])
      .when(asBuyer(buyer))
      .then([cancelled('CANCELLED_BY_BUYER')]);
    given(orderDecider, [placed])
      .when(asBuyer(admin))
      .then([cancelled('CANCELLED_BY_BUYER')]);
    given(orderDecider, [placed]).when(asBuyer(stranger)).thenFails('FORBIDDEN');
    given(orderDecider, [placed, paid, confirmed]).when(asBuyer(buyer)).thenFails('ORDER_CONFIRMED');
    given(orderDecider, [placed, cancelled('EXPIRED')])
      .when(asBuyer(buyer))
      .thenNothingHappened();
    given(orderDecider).when(asBuyer(buyer)).thenFails('ORDER_NOT_FOUND');
  });

  it('expires while pending only, and is cancelled with its meetup even once confirmed', () => {
    const expire = { type: 'CancelOrder' as const, orderId, reason: 'EXPIRED' as const };
    const meetupGone = { type: 'CancelOrder' as const, orderId, reason: 'MEETUP_CANCELLED' as const };
    given(orderDecider, [placed])
      .when(expire)
      .then([cancelled('EXPIRED')]);
    given(orderDecider, [placed, paid, confirmed]).when(expire).thenNothingHappened();
    given(orderDecider, [placed, paid, confirmed])
      .when(meetupGone)
      .then([cancelled('MEETUP_CANCELLED', true)]);
    given(orderDecider, [placed, cancelled('EXPIRED')])
      .when(meetupGone)
      .thenNothingHappened();
  });

  it('records one refund of a payment', () => {
    const refund = { type: 'RecordRefund' as const, orderId, refundId: 'refund-1' };
    const refunded: OrderEvent = { type: 'PaymentRefunded', data: { orderId, refundId: 'refund-1' } };
    given(orderDecider, [placed, paid, confirmed, cancelled('MEETUP_CANCELLED')])
      .when(refund)
      .then([refunded]);
    given(orderDecider, [placed, paid, confirmed, cancelled('MEETUP_CANCELLED', true), refunded])
      .when(refund)
      .thenNothingHappened();
    given(orderDecider, [placed, cancelled('EXPIRED')])
      .when(refund)
      .then([refunded]);
  });
});
