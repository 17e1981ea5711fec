import { Decider } from '../../eventsourcing/deciders/decider';
import { forbidden, isAdmin } from '../../identity/domain/role';
import { MeetupCommand, OrganiserCommand, ReleaseSeats, ReserveSeats, SellSeats } from './meetup.commands';
import {
  invalidStart,
  meetupAlreadyExists,
  meetupCancelled,
  meetupNotFound,
  meetupNotPublished,
  meetupStarted,
  soldOut,
} from './meetup.errors';
import { MeetupEvent } from './meetup.events';

export type MeetupStatus = 'DRAFT' | 'PUBLISHED' | 'CANCELLED';

export interface ScheduledMeetup {
  status: MeetupStatus;
  meetupId: string;
  startsAt: string;
  capacity: number;
  ticketPriceCents: number;
  organizerId?: string;
  /**
   * Seats held by pending orders, by order id. A sold order's seats are only counted, so that the
   * state of a meetup with many orders stays small enough to snapshot.
   */
  held: Record<string, number>;
  seatsHeld: number;
  seatsSold: number;
}

export type MeetupState = { status: 'NONE' } | ScheduledMeetup;

const seatsAvailable = (state: ScheduledMeetup): number => state.capacity - state.seatsHeld - state.seatsSold;

export const meetupDecider: Decider<MeetupState, MeetupCommand, MeetupEvent> = {
  initialState: { status: 'NONE' },
  // A popular meetup's stream grows by two events an order.
  snapshot: { version: 2, every: 50 },

  evolve(state, event) {
    if (event.type === 'MeetupScheduled') {
      const { meetupId, startsAt, capacity, organizerId, ticketPriceCents } = event.data;
      return {
        status: 'DRAFT',
        meetupId,
        startsAt,
        capacity,
        ticketPriceCents,
        organizerId,
        held: {},
        seatsHeld: 0,
        seatsSold: 0,
      };
    }
    if (state.status === 'NONE') return state;
    switch (event.type) {
      case 'MeetupPublished':
        return { ...state, status: 'PUBLISHED' };
      case 'MeetupRescheduled':
        return { ...state, startsAt: event.data.startsAt };
      case 'MeetupCancelled':
        return { ...state, status: 'CANCELLED' };
      // The held seats are changed in place: copying them for each of a long stream's events
      // would make folding it quadratic (see Decider: a folded state is never used again).
      case 'SeatsReserved': {
        const { orderId, quantity } = event.data;
        state.held[orderId] = quantity;
        return { ...state, seatsHeld: state.seatsHeld + quantity };
      }
      case 'SeatsSold': {
        const { orderId, quantity } = event.data;
        delete state.held[orderId];
        return { ...state, seatsHeld: state.seatsHeld - quantity, seatsSold: state.seatsSold + quantity };
      }
      case 'SeatsReleased': {
        const { orderId, quantity, sold } = event.data;
        delete state.held[orderId];
        return sold
          ? { ...state, seatsSold: state.seatsSold - quantity }
          : { ...state, seatsHeld: state.seatsHeld - quantity };
      }
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },

  decide(command, state) {
    if (command.type === 'ScheduleMeetup') {
      if (command.actor.role !== 'ORGANIZER' && !isAdmin(command.actor)) {
        throw forbidden('schedule meetups: only organisers may');
      }
      if (state.status !== 'NONE') throw meetupAlreadyExists(command.meetupId);
      if (command.startsAt <= command.now) throw invalidStart(command.startsAt);
      const { meetupId, title, description, city, capacity, ticketPriceCents } = command;
      const startsAt = command.startsAt.toISOString();
      const organizerId = command.actor.userId;
      return [
        {
          type: 'MeetupScheduled',
          data: { meetupId, title, description, city, startsAt, capacity, organizerId, ticketPriceCents },
        },
      ];
    }
    if (state.status === 'NONE') throw meetupNotFound(command.meetupId);
    switch (command.type) {
      case 'ReserveSeats':
        return reserveSeats(command, state);
      case 'SellSeats':
        return sellSeats(command, state);
      case 'ReleaseSeats':
        return releaseSeats(command, state);
      default:
        return decideAsOrganiser(command, state);
    }
  },
};

function decideAsOrganiser(command: OrganiserCommand, state: ScheduledMeetup): MeetupEvent[] {
  if (state.organizerId !== command.actor.userId && !isAdmin(command.actor)) {
    throw forbidden("change another organiser's meetup");
  }
  if (state.status === 'CANCELLED') throw meetupCancelled(command.meetupId);
  switch (command.type) {
    case 'PublishMeetup':
      return state.status === 'PUBLISHED'
        ? []
        : [{ type: 'MeetupPublished', data: { meetupId: state.meetupId } }];
    case 'RescheduleMeetup': {
      if (command.startsAt <= command.now) throw invalidStart(command.startsAt);
      const startsAt = command.startsAt.toISOString();
      if (startsAt === state.startsAt) return [];
      return [
        {
          type: 'MeetupRescheduled',
          data: { meetupId: state.meetupId, startsAt, previousStartsAt: state.startsAt },
        },
      ];
    }
    case 'CancelMeetup':
      return [{ type: 'MeetupCancelled', data: { meetupId: state.meetupId, reason: command.reason } }];
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}

/** An order's seats, once: a meetup is never oversold, since every reservation is decided on its stream. */
function reserveSeats(command: ReserveSeats, state: ScheduledMeetup): MeetupEvent[] {
  const { meetupId, orderId, quantity } = command;
  if (state.held[orderId] !== undefined) return [];
  if (state.status === 'CANCELLED') throw meetupCancelled(meetupId);
  if (state.status === 'DRAFT') throw meetupNotPublished(meetupId);
  if (Date.parse(state.startsAt) <= command.now.getTime()) throw meetupStarted(meetupId);
  if (seatsAvailable(state) < quantity) throw soldOut(meetupId, seatsAvailable(state));
  return [{ type: 'SeatsReserved', data: { meetupId, orderId, quantity } }];
}

/** A confirmed order's held seats become sold; also on a meetup cancelled meanwhile, which refunds it. */
function sellSeats(command: SellSeats, state: ScheduledMeetup): MeetupEvent[] {
  const quantity = state.held[command.orderId];
  if (quantity === undefined) return [];
  return [{ type: 'SeatsSold', data: { meetupId: state.meetupId, orderId: command.orderId, quantity } }];
}

/**
 * An order's held seats go back; a sold order's seats go back when the command says how many were
 * sold. The meetup keeps no list of sold orders, so this is once per order only by the command's
 * id, which the order process derives from the order.
 */
function releaseSeats(command: ReleaseSeats, state: ScheduledMeetup): MeetupEvent[] {
  const { meetupId } = state;
  const { orderId, soldQuantity } = command;
  const held = state.held[orderId];
  if (held !== undefined) {
    return [{ type: 'SeatsReleased', data: { meetupId, orderId, quantity: held, sold: false } }];
  }
  if (soldQuantity === undefined || soldQuantity > state.seatsSold) return [];
  return [{ type: 'SeatsReleased', data: { meetupId, orderId, quantity: soldQuantity, sold: true } }];
}
