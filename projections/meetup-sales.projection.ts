import type { ProjectionDefinition } from '../src/eventsourcing/projections/projection-definition';
import type { MeetupEvent } from '../src/meetups/domain/meetup.events';
import type { OrderEvent } from '../src/ordering/domain/order.events';

/** A meetup's sales, for its organiser: seats held, seats sold, and what they brought. */
export interface MeetupSalesDocument {
  /** The meetup id. */
  _id: string;
  _position?: string;
  organizerId: string | null;
  capacity: number;
  /** Seats held by orders, pending or sold. */
  seatsHeld: number;
  seatsSold: number;
  revenueCents: number;
}

type SalesEvent =
  | Extract<MeetupEvent, { type: 'MeetupScheduled' | 'SeatsReserved' | 'SeatsReleased' }>
  | Extract<OrderEvent, { type: 'OrderConfirmed' | 'OrderCancelled' }>;

export const meetupSalesProjection: ProjectionDefinition<MeetupSalesDocument, SalesEvent> = {
  name: 'meetup-sales',
  version: 1,
  collection: 'meetup_sales',
  indexes: [],
  handles: ['MeetupScheduled', 'SeatsReserved', 'SeatsReleased', 'OrderConfirmed', 'OrderCancelled'],
  documentId: (event) => event.data.meetupId,
  apply(document, event) {
    if (event.type === 'MeetupScheduled') {
      const { meetupId, organizerId, capacity } = event.data;
      return {
        _id: meetupId,
        organizerId: organizerId ?? null,
        capacity,
        seatsHeld: 0,
        seatsSold: 0,
        revenueCents: 0,
      };
    }
    if (!document) return 'unchanged';
    switch (event.type) {
      case 'SeatsReserved':
        return { ...document, seatsHeld: document.seatsHeld + event.data.quantity };
      case 'SeatsReleased':
        return { ...document, seatsHeld: document.seatsHeld - event.data.quantity };
      case 'OrderConfirmed':
        return {
          ...document,
          seatsSold: document.seatsSold + event.data.quantity,
          revenueCents: document.revenueCents + event.data.amountCents,
        };
      case 'OrderCancelled':
        // Only a sale undone (its payment goes back) changes the figures.
        return event.data.afterConfirmation
          ? {
              ...document,
              seatsSold: document.seatsSold - event.data.quantity,
              revenueCents: document.revenueCents - event.data.amountCents,
            }
          : 'unchanged';
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },
};
