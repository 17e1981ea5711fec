import { Decider } from '../../eventsourcing/deciders/decider';
import { MeetupCommand } from './meetup.commands';
import { isAdmin } from '../../identity/domain/role';
import {
  forbidden,
  invalidStart,
  meetupAlreadyExists,
  meetupCancelled,
  meetupNotFound,
} from './meetup.errors';
import { MeetupEvent } from './meetup.events';

export type MeetupStatus = 'DRAFT' | 'PUBLISHED' | 'CANCELLED';

export type MeetupState =
  | { status: 'NONE' }
  | { status: MeetupStatus; meetupId: string; startsAt: string; capacity: number; organizerId?: string };

export const meetupDecider: Decider<MeetupState, MeetupCommand, MeetupEvent> = {
  initialState: { status: 'NONE' },

  evolve(state, event) {
    switch (event.type) {
      case 'MeetupScheduled': {
        const { meetupId, startsAt, capacity, organizerId } = event.data;
        return { status: 'DRAFT', meetupId, startsAt, capacity, organizerId };
      }
      case 'MeetupPublished':
        return state.status === 'NONE' ? state : { ...state, status: 'PUBLISHED' };
      case 'MeetupRescheduled':
        return state.status === 'NONE' ? state : { ...state, startsAt: event.data.startsAt };
      case 'MeetupCancelled':
        return state.status === 'NONE' ? state : { ...state, status: 'CANCELLED' };
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
      const { meetupId, title, description, city, capacity } = command;
      const startsAt = command.startsAt.toISOString();
      const organizerId = command.actor.userId;
      return [
        {
          type: 'MeetupScheduled',
          data: { meetupId, title, description, city, startsAt, capacity, organizerId },
        },
      ];
    }
    if (state.status === 'NONE') throw meetupNotFound(command.meetupId);
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
  },
};
