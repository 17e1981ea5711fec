import { CommandFailedEvent, CommandSucceededEvent, MongoClient, MongoServerError } from 'mongodb';
import { AppMetrics } from './app-metrics';

/**
 * Times every command the driver sends, from its command monitoring events: the client must be
 * connected with `monitorCommands: true`.
 */
export function instrumentMongo(client: MongoClient, metrics: AppMetrics): void {
  const succeeded = (event: CommandSucceededEvent) =>
    metrics.storeRequest('mongodb', event.commandName, 'ok', event.duration / 1000);
  const failed = (event: CommandFailedEvent) => {
    const failure = event.failure;
    // Server error names are a fixed set; anything else (a network error) is just an error.
    const outcome = failure instanceof MongoServerError && failure.codeName ? failure.codeName : 'error';
    metrics.storeRequest('mongodb', event.commandName, outcome, event.duration / 1000);
  };
  client.on('commandSucceeded', succeeded);
  client.on('commandFailed', failed);
}
