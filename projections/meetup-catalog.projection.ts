import type { ProjectionDefinition } from '../src/eventsourcing/projections/projection-definition';
import type { MeetupEvent } from '../src/meetups/domain/meetup.events';
import type { MeetupStatus } from '../src/meetups/domain/meetup.decider';

/** The public list and detail pages of meetups. */
export interface MeetupCatalogDocument {
  /** The meetup id. */
  _id: string;
  _position?: string;
  title: string;
  description: string;
  city: string;
  startsAt: Date;
  capacity: number;
  /** Seats held by orders: reserved, or sold. */
  seatsTaken: number;
  ticketPriceCents: number;
  status: MeetupStatus;
  organizerId?: string;
  /** Revision of the meetup's stream after the last applied event. */
  revision: number;
}

export const meetupCatalogProjection: ProjectionDefinition<MeetupCatalogDocument, MeetupEvent> = {
  name: 'meetup-catalog',
  version: 3,
  collection: 'meetup_catalog',
  indexes: [
    { key: { startsAt: 1, _id: 1 }, name: 'by_start' },
    { key: { status: 1, city: 1, startsAt: 1, _id: 1 }, name: 'by_status_city_start' },
  ],
  handles: [
    'MeetupScheduled',
    'MeetupPublished',
    'MeetupRescheduled',
    'MeetupCancelled',
    'SeatsReserved',
    'SeatsSold',
    'SeatsReleased',
  ],
  documentId: (event) => event.data.meetupId,
  apply(document, event) {
    const revision = Number(event.revision);
    if (event.type === 'MeetupScheduled') {
      const { meetupId, startsAt, organizerId, ...rest } = event.data;
      return {
        _id: meetupId,
        ...rest,
        startsAt: new Date(startsAt),
        status: 'DRAFT',
        seatsTaken: 0,
        ...(organizerId ? { organizerId } : {}),
        revision,
      };
    }
    // Only a meetup that was scheduled can change.
    if (!document) return 'unchanged';
    switch (event.type) {
      case 'MeetupPublished':
        return { ...document, status: 'PUBLISHED', revision };
      case 'MeetupRescheduled':
        return { ...document, startsAt: new Date(event.data.startsAt), revision };
      case 'MeetupCancelled':
        return { ...document, status: 'CANCELLED', revision };
      case 'SeatsReserved':
        return { ...document, seatsTaken: document.seatsTaken + event.data.quantity, revision };
      case 'SeatsSold':
        return { ...document, revision };
      case 'SeatsReleased':
        return { ...document, seatsTaken: document.seatsTaken - event.data.quantity, revision };
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },
};
