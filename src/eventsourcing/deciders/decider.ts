/**
 * An aggregate as a decider: plain state and pure functions, no framework and no I/O.
 * Rehydrating is `events.reduce(evolve, initialState)`; `decide` returns the new events or
 * throws a DomainError.
 */
export interface Decider<State, Command, Event extends DomainEvent> {
  initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

/** A domain event as the domain sees it: a past-tense type and its JSON data. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}
