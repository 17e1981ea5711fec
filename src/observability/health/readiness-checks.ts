import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import { HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import { Db } from 'mongodb';
import { RecentConsumers } from '../recent-consumers';

/** How long each readiness check may take before it counts as down. */
export const CHECK_TIMEOUT_MS = 2000;

/**
 * What readiness checks: each store answers a cheap request in time, and no projection is more
 * than `maxLag` domain events behind (a paused one included: its read model is that stale).
 */
export class ReadinessChecks {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly stores: { client: EventStoreDBClient; db: Db },
    private readonly consumers: RecentConsumers,
    private readonly maxLag: number,
  ) {}

  all(): HealthIndicatorFunction[] {
    return [() => this.eventStore(), () => this.mongo(), () => this.projections()];
  }

  private async eventStore() {
    const check = this.indicators.check('eventstore');
    const error = await failureOf(async () => {
      // Read to the end (one event at most): a read given up half-way can hold up the client's close.
      const read = this.stores.client.readAll({
        direction: BACKWARDS,
        fromPosition: END,
        maxCount: 1,
        deadline: CHECK_TIMEOUT_MS,
      });
      for await (const _ of read);
    });
    return error === undefined ? check.up() : check.down({ message: error });
  }

  private async mongo() {
    const check = this.indicators.check('mongodb');
    const error = await failureOf(() => this.stores.db.command({ ping: 1 }, { timeoutMS: CHECK_TIMEOUT_MS }));
    return error === undefined ? check.up() : check.down({ message: error });
  }

  private async projections() {
    const check = this.indicators.check('projections');
    let behind: { name: string; state: string; lag: number }[] = [];
    const error = await failureOf(async () => {
      behind = (await this.consumers.all())
        .filter((view) => view.kind === 'projection' && view.lag > this.maxLag)
        .map(({ name, state, lag }) => ({ name, state, lag }));
    });
    if (error !== undefined) return check.down({ message: `status unknown: ${error}` });
    return behind.length === 0
      ? check.up({ maxLag: this.maxLag })
      : check.down({ maxLag: this.maxLag, behind });
  }
}

/** Undefined when `work` succeeds within the timeout, else what went wrong, in one line. */
async function failureOf(work: () => Promise<unknown>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      work().then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0],
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
