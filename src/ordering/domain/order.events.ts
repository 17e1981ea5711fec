import { DomainEvent } from '../../eventsourcing/deciders/decider';
import { EventSchema } from '../../eventsourcing/event-store/event-schema-registry';

/** Why an order ended without tickets. */
export const CANCELLATION_REASONS = [
  'SOLD_OUT',
  'PAYMENT_DECLINED',
  'PAYMENT_TIMEOUT',
  'EXPIRED',
  'MEETUP_CANCELLED',
  'CANCELLED_BY_BUYER',
] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

export type OrderPlaced = DomainEvent<
  'OrderPlaced',
  {
    orderId: string;
    meetupId: string;
    buyerId: string;
    quantity: number;
    /** quantity × the meetup's ticket price when the order was placed, in cents. */
    amountCents: number;
    paymentToken: string;
    /** ISO-8601: unpaid by then, the order expires. */
    expiresAt: string;
  }
>;
export type SeatsRejected = DomainEvent<'SeatsRejected', { orderId: string; reason: CancellationReason }>;
export type PaymentAuthorized = DomainEvent<
  'PaymentAuthorized',
  { orderId: string; authorizationId: string }
>;
export type PaymentDeclined = DomainEvent<
  'PaymentDeclined',
  { orderId: string; reason: 'PAYMENT_DECLINED' | 'PAYMENT_TIMEOUT' }
>;
export type OrderConfirmed = DomainEvent<
  'OrderConfirmed',
  {
    orderId: string;
    meetupId: string;
    buyerId: string;
    quantity: number;
    amountCents: number;
    tickets: string[];
  }
>;
export type OrderCancelled = DomainEvent<
  'OrderCancelled',
  {
    orderId: string;
    meetupId: string;
    buyerId: string;
    reason: CancellationReason;
    quantity: number;
    amountCents: number;
    /** The order had been confirmed: its tickets are void and its sale undone. */
    afterConfirmation: boolean;
  }
>;
export type PaymentRefunded = DomainEvent<'PaymentRefunded', { orderId: string; refundId: string }>;

export type OrderEvent =
  | OrderPlaced
  | SeatsRejected
  | PaymentAuthorized
  | PaymentDeclined
  | OrderConfirmed
  | OrderCancelled
  | PaymentRefunded;

export const ORDER_EVENT_TYPES = [
  'OrderPlaced',
  'SeatsRejected',
  'PaymentAuthorized',
  'PaymentDeclined',
  'OrderConfirmed',
  'OrderCancelled',
  'PaymentRefunded',
] as const satisfies readonly OrderEvent['type'][];

export const orderEventSchemas: EventSchema[] = ORDER_EVENT_TYPES.map((type) =>
  type === 'OrderPlaced' ? { type, version: 1, confidential: ['paymentToken'] } : { type, version: 1 },
);
