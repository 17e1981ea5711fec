import type { ProjectionDefinition } from '../src/eventsourcing/projections/projection-definition';
import type { OrderStatus } from '../src/ordering/domain/order.decider';
import { ORDER_EVENT_TYPES } from '../src/ordering/domain/order.events';
import type { CancellationReason, OrderEvent } from '../src/ordering/domain/order.events';

/** Orders as their buyers follow them: by id, and a buyer's own, newest first. */
export interface OrderDocument {
  /** The order id. */
  _id: string;
  _position?: string;
  meetupId: string;
  buyerId: string;
  quantity: number;
  amountCents: number;
  status: OrderStatus;
  reason: CancellationReason | null;
  tickets: string[];
  placedAt: Date;
  expiresAt: Date;
  /** What happened to the order, oldest first. */
  history: { type: OrderEvent['type']; at: Date }[];
  /** Revision of the order's stream after the last applied event. */
  revision: number;
}

export const ordersProjection: ProjectionDefinition<OrderDocument, OrderEvent> = {
  name: 'orders',
  version: 1,
  collection: 'orders',
  indexes: [
    { key: { buyerId: 1, placedAt: -1, _id: -1 }, name: 'by_buyer' },
    { key: { meetupId: 1, status: 1 }, name: 'by_meetup' },
  ],
  handles: ORDER_EVENT_TYPES,
  documentId: (event) => event.data.orderId,
  apply(document, event) {
    const revision = Number(event.revision);
    const entry = { type: event.type, at: new Date(event.metadata.occurredAt) };
    if (event.type === 'OrderPlaced') {
      const { orderId, meetupId, buyerId, quantity, amountCents, expiresAt } = event.data;
      return {
        _id: orderId,
        meetupId,
        buyerId,
        quantity,
        amountCents,
        status: 'PENDING',
        reason: null,
        tickets: [],
        placedAt: entry.at,
        expiresAt: new Date(expiresAt),
        history: [entry],
        revision,
      };
    }
    if (!document) return 'unchanged';
    const next = { ...document, history: [...document.history, entry], revision };
    switch (event.type) {
      case 'SeatsRejected':
      case 'PaymentAuthorized':
      case 'PaymentDeclined':
      case 'PaymentRefunded':
        return next;
      case 'OrderConfirmed':
        return { ...next, status: 'CONFIRMED', tickets: event.data.tickets };
      case 'OrderCancelled':
        return { ...next, status: 'CANCELLED', reason: event.data.reason };
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },
};
