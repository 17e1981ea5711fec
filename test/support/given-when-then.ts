import { Decider, DomainEvent } from '../../src/eventsourcing/deciders/decider';
import { DomainError } from '../../src/eventsourcing/deciders/domain-error';

/**
 * Decider tests read as: given these past events, when this command, then these new events
 * (or this domain error).
 */
export function given<State, Command, Event extends DomainEvent>(
  decider: Decider<State, Command, Event>,
  history: Event[] = [],
) {
  const state = history.reduce(decider.evolve, decider.initialState);
  return {
    when(command: Command) {
      let outcome: Event[] | unknown;
      try {
        outcome = decider.decide(command, state);
      } catch (error) {
        outcome = error;
      }
      return {
        then(expected: Event[]): void {
          if (outcome instanceof Error) throw outcome;
          expect(outcome).toEqual(expected);
        },
        thenFails(code: string): void {
          expect(outcome).toBeInstanceOf(DomainError);
          expect((outcome as DomainError).code).toBe(code);
        },
      };
    },
  };
}
