import { DomainEvent } from '../../eventsourcing/deciders/decider';
import { EventSchema } from '../../eventsourcing/event-store/event-schema-registry';
import { OrderStatus } from '../domain/order.decider';

/** The order process took an order in hand; unpaid at `expiresAt`, the order expires. */
export type FulfilmentStarted = DomainEvent<
  'FulfilmentStarted',
  { orderId: string; meetupId: string; expiresAt: string }
>;
/** Recorded before the provider is asked: a call may then be under way, under this key. */
export type PaymentRequested = DomainEvent<
  'PaymentRequested',
  { orderId: string; idempotencyKey: string; amountCents: number }
>;
export type RefundRequested = DomainEvent<
  'RefundRequested',
  { orderId: string; idempotencyKey: string; authorizationId: string; amountCents: number }
>;
/** The order reached an end; a confirmed order may still end again, cancelled with its meetup. */
export type FulfilmentEnded = DomainEvent<
  'FulfilmentEnded',
  { orderId: string; status: Exclude<OrderStatus, 'PENDING'> }
>;

export type FulfilmentEvent = FulfilmentStarted | PaymentRequested | RefundRequested | FulfilmentEnded;

export const FULFILMENT_EVENT_TYPES = [
  'FulfilmentStarted',
  'PaymentRequested',
  'RefundRequested',
  'FulfilmentEnded',
] as const satisfies readonly FulfilmentEvent['type'][];

export const fulfilmentEventSchemas: EventSchema[] = FULFILMENT_EVENT_TYPES.map((type) => ({
  type,
  version: 1,
}));
