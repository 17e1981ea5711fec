import { Decider } from '../../eventsourcing/deciders/decider';
import { EmailReservationCommand } from './user.commands';
import { emailTaken } from './user.errors';
import { EmailReservationEvent } from './user.events';

/** Who holds an address now, if anyone. */
export interface EmailReservationState {
  holder?: string;
}

/**
 * One stream per address makes the event store itself enforce unique addresses: of concurrent
 * registrations, only the first append to the stream at its revision succeeds.
 */
export const emailReservationDecider: Decider<
  EmailReservationState,
  EmailReservationCommand,
  EmailReservationEvent
> = {
  initialState: {},
  evolve(_state, event) {
    switch (event.type) {
      case 'EmailReserved':
        return { holder: event.data.userId };
      case 'EmailReleased':
        return {};
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },
  decide(command, state) {
    const { emailKey, userId } = command;
    switch (command.type) {
      case 'ReserveEmail':
        if (state.holder === userId) return [];
        if (state.holder) throw emailTaken();
        return [{ type: 'EmailReserved', data: { emailKey, userId } }];
      case 'ReleaseEmail':
        return state.holder === userId ? [{ type: 'EmailReleased', data: { emailKey, userId } }] : [];
      default: {
        const unhandled: never = command;
        return unhandled;
      }
    }
  },
};
