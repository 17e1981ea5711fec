import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Every metric name starts with this; the process and Node.js defaults keep their usual names. */
export const METRIC_PREFIX = 'meetups_';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type StoreName = 'eventstore' | 'mongodb';

/**
 * The application's metrics, in a registry of its own (several apps may share a process). Labels
 * hold only what the code defines (command and event types, operations, consumers), never ids.
 */
export class AppMetrics {
  readonly registry = new Registry();

  private readonly commands = new Counter({
    name: `${METRIC_PREFIX}commands_total`,
    help: 'Commands handled, by command type and outcome (ok or the error code)',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly commandSeconds = new Histogram({
    name: `${METRIC_PREFIX}command_duration_seconds`,
    help: 'Time to handle a command (read, decide, append), by command type and outcome',
    labelNames: ['command', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly appended = new Counter({
    name: `${METRIC_PREFIX}events_appended_total`,
    help: 'Events appended to the event store, by event type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  private readonly graphql = new Counter({
    name: `${METRIC_PREFIX}graphql_operations_total`,
    help: 'GraphQL operations executed, by operation type, root field and outcome',
    labelNames: ['type', 'field', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly graphqlSeconds = new Histogram({
    name: `${METRIC_PREFIX}graphql_operation_duration_seconds`,
    help: 'Time from receiving a GraphQL request to its result, by operation type and root field',
    labelNames: ['type', 'field'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly storeSeconds = new Histogram({
    name: `${METRIC_PREFIX}store_request_duration_seconds`,
    help: 'Round trips to the event store and MongoDB, by store, operation and outcome',
    labelNames: ['store', 'operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  commandHandled(command: string, outcome: string, seconds: number): void {
    this.commands.inc({ command, outcome });
    this.commandSeconds.observe({ command, outcome }, seconds);
  }

  eventsAppended(types: string[]): void {
    for (const type of types) this.appended.inc({ type });
  }

  graphqlOperation(operation: { type: string; field: string }, outcome: string, seconds: number): void {
    this.graphql.inc({ ...operation, outcome });
    this.graphqlSeconds.observe(operation, seconds);
  }

  storeRequest(store: StoreName, operation: string, outcome: string, seconds: number): void {
    this.storeSeconds.observe({ store, operation, outcome }, seconds);
  }

  /** The Prometheus text format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Seconds since `start` (from `performance.now()`). */
export const secondsSince = (start: number): number => (performance.now() - start) / 1000;
