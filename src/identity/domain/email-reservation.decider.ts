import { Decider } from '../../eventsourcing/deciders/decider';
import { EmailReservationCommand } from './user.commands';
import { emailTaken } from './user.errors';
import { EmailReservationEvent } from './user.events';

/** Who holds an address now, if anyone, and since when. */
export interface EmailReservationState {
  holder?: string;
  reservedAt?: string;
}

/** A registration that reserved an address and never went on releases it to others after this. */
export const ABANDONED_AFTER_MS = 60_000;

/**
 * One stream per address makes the event store itself enforce unique addresses: of concurrent
 * registrations, only the first append to the stream at its revision succeeds. A reservation
 * whose registration never went on (the user stream was never started) is taken over after
 * ABANDONED_AFTER_MS, so an interrupted sign-up cannot lock an address for good.
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
        return { holder: event.data.userId, reservedAt: event.data.reservedAt };
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
      case 'ReserveEmail': {
        if (state.holder === userId) return [];
        if (state.holder && !abandoned(state, command.proof.unregisteredHolder, command.now))
          throw emailTaken();
        return [{ type: 'EmailReserved', data: { emailKey, userId, reservedAt: command.now.toISOString() } }];
      }
      case 'ReleaseEmail':
        return state.holder === userId ? [{ type: 'EmailReleased', data: { emailKey, userId } }] : [];
      default: {
        const unhandled: never = command;
        return unhandled;
      }
    }
  },
};

function abandoned(state: EmailReservationState, unregisteredHolder: string | null, now: Date): boolean {
  if (state.holder !== unregisteredHolder || !state.reservedAt) return false;
  return now.getTime() - Date.parse(state.reservedAt) >= ABANDONED_AFTER_MS;
}
