import { Decider } from '../../eventsourcing/deciders/decider';
import { FulfilmentEnded, FulfilmentEvent } from './fulfilment.events';

/** The order process's own record of one order: what it started, asked for, and how it ended. */
export interface Fulfilment {
  status: 'RUNNING' | FulfilmentEnded['data']['status'];
  orderId: string;
  meetupId: string;
  expiresAt: string;
  paymentRequested: boolean;
  refundRequested: boolean;
}

export type FulfilmentState = { status: 'NONE' } | Fulfilment;

export type FulfilmentCommand =
  | { type: 'StartFulfilment'; orderId: string; meetupId: string; expiresAt: string }
  | { type: 'RequestPayment'; orderId: string; idempotencyKey: string; amountCents: number }
  | {
      type: 'RequestRefund';
      orderId: string;
      idempotencyKey: string;
      authorizationId: string;
      amountCents: number;
    }
  | { type: 'EndFulfilment'; orderId: string; status: FulfilmentEnded['data']['status'] };

/** The process's stream of one order. */
export const fulfilmentStreamId = (orderId: string): string => `fulfilment-${orderId}`;

/** Every step is recorded once: repeating one after a crash records nothing new. */
export const fulfilmentDecider: Decider<FulfilmentState, FulfilmentCommand, FulfilmentEvent> = {
  initialState: { status: 'NONE' },

  evolve(state, event) {
    if (event.type === 'FulfilmentStarted') {
      return { status: 'RUNNING', ...event.data, paymentRequested: false, refundRequested: false };
    }
    if (state.status === 'NONE') return state;
    switch (event.type) {
      case 'PaymentRequested':
        return { ...state, paymentRequested: true };
      case 'RefundRequested':
        return { ...state, refundRequested: true };
      case 'FulfilmentEnded':
        return { ...state, status: event.data.status };
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },

  decide(command, state) {
    if (command.type === 'StartFulfilment') {
      const { orderId, meetupId, expiresAt } = command;
      return state.status === 'NONE'
        ? [{ type: 'FulfilmentStarted', data: { orderId, meetupId, expiresAt } }]
        : [];
    }
    if (state.status === 'NONE') throw new Error(`order ${command.orderId} was never taken in hand`);
    switch (command.type) {
      case 'RequestPayment': {
        const { orderId, idempotencyKey, amountCents } = command;
        return state.paymentRequested
          ? []
          : [{ type: 'PaymentRequested', data: { orderId, idempotencyKey, amountCents } }];
      }
      case 'RequestRefund': {
        const { orderId, idempotencyKey, authorizationId, amountCents } = command;
        return state.refundRequested
          ? []
          : [{ type: 'RefundRequested', data: { orderId, idempotencyKey, authorizationId, amountCents } }];
      }
      case 'EndFulfilment':
        return state.status === command.status
          ? []
          : [{ type: 'FulfilmentEnded', data: { orderId: command.orderId, status: command.status } }];
      default: {
        const unhandled: never = command;
        return unhandled;
      }
    }
  },
};
