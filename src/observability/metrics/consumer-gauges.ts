import { Gauge } from 'prom-client';
import { ConsumerView } from '../../eventsourcing/projections/consumer-overview';
import { RecentConsumers } from '../recent-consumers';
import { AppMetrics, METRIC_PREFIX } from './app-metrics';

const STATES = ['CATCHING_UP', 'LIVE', 'PAUSED', 'REBUILDING', 'FAILED', 'STOPPED'] as const;

/**
 * Each consumer's checkpoint, lag, parked events and state, looked up when scraped. Should the
 * look-up fail or take over 2 s (a store out of reach or hanging), the scrape goes on without them.
 */
export function registerConsumerGauges(metrics: AppMetrics, consumers: RecentConsumers): void {
  const labelNames = ['consumer', 'kind'] as const;
  const gauge = (name: string, help: string, value: (view: ConsumerView) => number | undefined) =>
    new Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames,
      registers: [metrics.registry],
      async collect() {
        this.reset();
        for (const view of await views(consumers)) {
          const measured = value(view);
          if (measured !== undefined) this.set({ consumer: view.name, kind: view.kind }, measured);
        }
      },
    });
  gauge('consumer_position', 'Commit position of the last event the consumer handled', (view) =>
    view.checkpoint === undefined ? undefined : Number(view.checkpoint),
  );
  gauge(
    'consumer_lag_events',
    'Domain events after the consumer checkpoint (counted up to 10000)',
    (view) => view.lag,
  );
  gauge('consumer_parked_events', 'Events the consumer parked', (view) => view.parked);
  new Gauge({
    name: `${METRIC_PREFIX}consumer_state`,
    help: 'The consumer state: 1 for the state it is in, 0 for the others',
    labelNames: [...labelNames, 'state'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const view of await views(consumers)) {
        for (const state of STATES) {
          this.set({ consumer: view.name, kind: view.kind, state }, view.state === state ? 1 : 0);
        }
      }
    },
  });
}

/** How long a scrape waits for the consumers' status: a store that hangs must not hang the scrape. */
const LOOK_TIMEOUT_MS = 2000;

function views(consumers: RecentConsumers): Promise<ConsumerView[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ConsumerView[]>((resolve) => {
    timer = setTimeout(() => resolve([]), LOOK_TIMEOUT_MS);
  });
  return Promise.race([consumers.all().catch(() => []), late]).finally(() => clearTimeout(timer));
}
