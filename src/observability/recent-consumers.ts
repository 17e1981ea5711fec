import { ConsumerOverview, ConsumerView } from '../eventsourcing/projections/consumer-overview';

/** How long one look at the consumers answers for: probes and scrapes in a burst share it. */
const FRESH_FOR_MS = 1000;

/**
 * The consumers' status for readiness and metrics. One overview reads MongoDB and the end of
 * `$all`; calls within a second, or while one is under way, share it.
 */
export class RecentConsumers {
  private latest?: { at: number; views: Promise<ConsumerView[]> };

  constructor(private readonly overview: () => ConsumerOverview) {}

  all(): Promise<ConsumerView[]> {
    const now = performance.now();
    if (this.latest && now - this.latest.at < FRESH_FOR_MS) return this.latest.views;
    const views = Promise.resolve().then(() => this.overview().all());
    const latest = { at: now, views };
    this.latest = latest;
    // A failed look is not kept: the next call tries again.
    views.catch(() => {
      if (this.latest === latest) this.latest = undefined;
    });
    return views;
  }
}
