import { Actor } from '../../identity/domain/role';
import { CancellationReason } from './order.events';

/** An attendee's order, priced and timed by the handler from the meetup it is for. */
export interface PlaceOrder {
  type: 'PlaceOrder';
  orderId: string;
  meetupId: string;
  quantity: number;
  amountCents: number;
  paymentToken: string;
  /** How long the order may stay unpaid, from `now`. */
  paymentTimeoutSeconds: number;
  actor: Actor;
  now: Date;
}
/** The buyer (or an admin) gives up an order before it is confirmed. */
export interface CancelOrderAsBuyer {
  type: 'CancelOrderAsBuyer';
  orderId: string;
  actor: Actor;
}

/** What the fulfilment process records on an order as the steps come back. */
export interface RejectSeats {
  type: 'RejectSeats';
  orderId: string;
  reason: CancellationReason;
}
export interface RecordPayment {
  type: 'RecordPayment';
  orderId: string;
  authorizationId: string;
}
export interface DeclinePayment {
  type: 'DeclinePayment';
  orderId: string;
  reason: 'PAYMENT_DECLINED' | 'PAYMENT_TIMEOUT';
}
export interface ConfirmOrder {
  type: 'ConfirmOrder';
  orderId: string;
}
/** Expiry and a cancelled meetup end an order without its buyer. */
export interface CancelOrder {
  type: 'CancelOrder';
  orderId: string;
  reason: 'EXPIRED' | 'MEETUP_CANCELLED';
}
export interface RecordRefund {
  type: 'RecordRefund';
  orderId: string;
  refundId: string;
}

export type OrderCommand =
  | PlaceOrder
  | CancelOrderAsBuyer
  | RejectSeats
  | RecordPayment
  | DeclinePayment
  | ConfirmOrder
  | CancelOrder
  | RecordRefund;
