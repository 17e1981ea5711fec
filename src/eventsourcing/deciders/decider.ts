import type { SnapshotPolicy } from './snapshots';

/**
 * An aggregate as a decider: plain state and pure functions, no framework and no I/O.
 * Rehydrating is `events.reduce(evolve, initialState)`; `decide` returns the new events (none
 * when the command changes nothing) or throws a DomainError.
 *
 * Commands that depend on the time carry it as `now`, so that `decide` stays pure; `now` is
 * when a command was decided, not part of what it asks. Likewise `proof`: what the caller showed
 * to be allowed (such as the password hash they matched), which `decide` checks against the state.
 *
 * States are folded forwards only: once `evolve` has returned a state's successor, the state is
 * not used again, so `evolve` may extend its collections in place rather than copy them.
 */
export interface Decider<State, Command extends { type: string }, Event extends DomainEvent> {
  /** Never changed: `evolve` starts every fold from it, and builds new collections for its state. */
  initialState: State;
  /** Long streams are decided from a snapshot of their state and the events after it. */
  snapshot?: SnapshotPolicy;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

/** A domain event as the domain sees it: a past-tense type and its JSON data. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}
