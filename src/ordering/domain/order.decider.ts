import { Decider } from '../../eventsourcing/deciders/decider';
import { isAdmin } from '../../identity/domain/role';
import { OrderCommand } from './order.commands';
import { notYourOrder, orderAlreadyExists, orderConfirmed, orderNotFound } from './order.errors';
import { CancellationReason, OrderEvent } from './order.events';
import { ticketCodes } from './tickets';

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';

export interface PlacedOrder {
  status: OrderStatus;
  orderId: string;
  meetupId: string;
  buyerId: string;
  quantity: number;
  amountCents: number;
  paymentToken: string;
  /** ISO-8601: unpaid by then, the order expires. */
  expiresAt: string;
  /** It was confirmed, even if cancelled since: its seats were sold. */
  confirmed: boolean;
  /** A payment was authorized (and not yet refunded). */
  paid: boolean;
  authorizationId?: string;
  refunded: boolean;
  reason?: CancellationReason;
}

export type OrderState = { status: 'NONE' } | PlacedOrder;

export const orderDecider: Decider<OrderState, OrderCommand, OrderEvent> = {
  initialState: { status: 'NONE' },

  evolve(state, event) {
    if (event.type === 'OrderPlaced') {
      const { orderId, meetupId, buyerId, quantity, amountCents, paymentToken, expiresAt } = event.data;
      return {
        status: 'PENDING',
        orderId,
        meetupId,
        buyerId,
        quantity,
        amountCents,
        paymentToken,
        expiresAt,
        confirmed: false,
        paid: false,
        refunded: false,
      };
    }
    if (state.status === 'NONE') return state;
    switch (event.type) {
      case 'SeatsRejected':
        return state;
      case 'PaymentAuthorized':
        return { ...state, paid: true, authorizationId: event.data.authorizationId };
      case 'PaymentDeclined':
        return state;
      case 'OrderConfirmed':
        return { ...state, status: 'CONFIRMED', confirmed: true };
      case 'OrderCancelled':
        return { ...state, status: 'CANCELLED', reason: event.data.reason };
      case 'PaymentRefunded':
        return { ...state, paid: false, refunded: true };
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },

  decide(command, state) {
    if (command.type === 'PlaceOrder') {
      if (state.status !== 'NONE') throw orderAlreadyExists(command.orderId);
      const { orderId, meetupId, quantity, amountCents, paymentToken } = command;
      const expiresAt = new Date(command.now.getTime() + command.paymentTimeoutSeconds * 1000).toISOString();
      const buyerId = command.actor.userId;
      return [
        {
          type: 'OrderPlaced',
          data: { orderId, meetupId, buyerId, quantity, amountCents, paymentToken, expiresAt },
        },
      ];
    }
    if (state.status === 'NONE') throw orderNotFound(command.orderId);
    const { orderId } = state;
    const { meetupId, buyerId, quantity, amountCents } = state;
    const cancel = (reason: CancellationReason): OrderEvent => ({
      type: 'OrderCancelled',
      data: {
        orderId,
        meetupId,
        buyerId,
        reason,
        quantity,
        amountCents,
        afterConfirmation: state.status === 'CONFIRMED',
      },
    });
    const pending = state.status === 'PENDING';
    switch (command.type) {
      case 'CancelOrderAsBuyer':
        if (command.actor.userId !== state.buyerId && !isAdmin(command.actor)) throw notYourOrder();
        if (state.status === 'CONFIRMED') throw orderConfirmed(orderId);
        return pending ? [cancel('CANCELLED_BY_BUYER')] : [];
      case 'RejectSeats':
        return pending
          ? [{ type: 'SeatsRejected', data: { orderId, reason: command.reason } }, cancel(command.reason)]
          : [];
      case 'RecordPayment':
        return pending && !state.paid
          ? [{ type: 'PaymentAuthorized', data: { orderId, authorizationId: command.authorizationId } }]
          : [];
      case 'DeclinePayment':
        return pending && !state.paid
          ? [{ type: 'PaymentDeclined', data: { orderId, reason: command.reason } }, cancel(command.reason)]
          : [];
      case 'ConfirmOrder':
        return pending && state.paid
          ? [
              {
                type: 'OrderConfirmed',
                data: {
                  orderId,
                  meetupId,
                  buyerId,
                  quantity,
                  amountCents,
                  tickets: ticketCodes(orderId, quantity),
                },
              },
            ]
          : [];
      case 'CancelOrder':
        if (command.reason === 'EXPIRED') return pending ? [cancel('EXPIRED')] : [];
        return state.status === 'CANCELLED' ? [] : [cancel('MEETUP_CANCELLED')];
      case 'RecordRefund':
        // Also for a payment that came back after the order was cancelled, and was never recorded.
        return state.refunded
          ? []
          : [{ type: 'PaymentRefunded', data: { orderId, refundId: command.refundId } }];
      default: {
        const unhandled: never = command;
        return unhandled;
      }
    }
  },
};
