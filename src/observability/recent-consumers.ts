import { ConsumerOverview, ConsumerView } from '../eventsourcing/projections/consumer-overview';

/** How long one look at the consumers answers for: probes and scrapes in a burst share it. */
const FRESH_FOR_MS = 1000;

/**
 * The consumers' status for readiness and metrics. One overview reads MongoDB and the end of
 * `$all`; calls within a second, or while one is under way, share it.
 */
export class RecentConsumers {
  /** The last look, and when it ended (none while it is under way). */
  private latest?: { at?: number; views: Promise<ConsumerView[]> };

  constructor(private readonly overview: () => ConsumerOverview) {}

  all(): Promise<ConsumerView[]> {
    // A look under way is shared however long it takes; a finished one for a second after it ends.
    if (this.latest && (this.latest.at === undefined || performance.now() - this.latest.at < FRESH_FOR_MS)) {
      return this.latest.views;
    }
    const views = Promise.resolve().then(() => this.overview().all());
    const latest: { at?: number; views: Promise<ConsumerView[]> } = { views };
    this.latest = latest;
    views.then(
      () => (latest.at = performance.now()),
      // A failed look is not kept: the next call tries again.
      () => {
        if (this.latest === latest) this.latest = undefined;
      },
    );
    return views;
  }
}
