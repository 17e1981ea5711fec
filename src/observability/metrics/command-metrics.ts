import { CodedError } from '../../eventsourcing/deciders/coded-error';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { AppMetrics, secondsSince } from './app-metrics';

/**
 * Counts and times every command, by its type and outcome (`ok`, or the code it was refused
 * with), at the one place all commands pass: the repository's `handle`, wrapped on this instance.
 */
export function instrumentCommands(repository: EventSourcedRepository, metrics: AppMetrics): void {
  const handle = repository.handle.bind(repository);
  repository.handle = (async (...args: Parameters<typeof handle>) => {
    const start = performance.now();
    const type = args[2].type;
    try {
      const result = await handle(...args);
      metrics.commandHandled(type, 'ok', secondsSince(start));
      return result;
    } catch (error) {
      metrics.commandHandled(type, error instanceof CodedError ? error.code : 'error', secondsSince(start));
      throw error;
    }
  }) as typeof repository.handle;
}
