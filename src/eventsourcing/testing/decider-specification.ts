import { Decider, DomainEvent } from '../deciders/decider';
import { DomainError } from '../deciders/domain-error';

/**
 * Decider tests read as: given these past events, when this command, then these new events,
 * this domain error, or nothing.
 */
export function given<State, Command extends { type: string }, Event extends DomainEvent>(
  decider: Decider<State, Command, Event>,
  history: Event[] = [],
) {
  const state = history.reduce(decider.evolve, decider.initialState);
  return {
    when(command: Command) {
      let events: Event[] | undefined;
      let failure: unknown;
      try {
        events = decider.decide(command, state);
      } catch (error) {
        failure = error;
      }
      const decided = (): Event[] => {
        if (failure) throw failure;
        // The new events must fold too: evolve knows every event decide can return.
        events!.reduce(decider.evolve, state);
        return events!;
      };
      return {
        then(expected: Event[]): void {
          expect(decided()).toEqual(expected);
        },
        thenNothingHappened(): void {
          expect(decided()).toEqual([]);
        },
        thenFails(code: string): void {
          expect(failure).toBeInstanceOf(DomainError);
          expect((failure as DomainError).code).toBe(code);
        },
      };
    },
  };
}
