import { Inject, Injectable } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { AppConfig } from '../config/app-config';
import { ProjectionsService } from '../eventsourcing/projections/projections.service';
import { APP_CONFIG } from '../eventsourcing/tokens';
import { ErrorCodes } from './error-codes';
import { InvalidInputError } from './graphql-error.filter';

/** Lets a query read its own writes: waits (bounded) until a read model has passed a position. */
@Injectable()
export class ReadConsistency {
  /** Queries waiting now: each holds a timer and, on the API role, polls MongoDB. */
  private waiting = 0;

  constructor(
    private readonly projections: ProjectionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async waitFor(projectionName: string, consistentWith: string | undefined | null): Promise<void> {
    if (consistentWith === undefined || consistentWith === null) return;
    if (!/^\d{1,20}$/.test(consistentWith)) {
      throw new InvalidInputError([
        { field: 'consistentWith', problems: ['consistentWith must be a position returned by a mutation'] },
      ]);
    }
    const position = BigInt(consistentWith);
    // Past the cap, a query may still pass if the read model is there already, but does not wait.
    const busy = this.waiting >= this.config.consistencyMaxWaiters;
    this.waiting++;
    try {
      if (await this.projections.waitFor(projectionName, position, busy ? 0 : undefined)) return;
    } finally {
      this.waiting--;
    }
    throw new GraphQLError(
      busy
        ? `Too many queries are waiting for read models; the ${projectionName} read model has not reached position ${consistentWith} yet.`
        : `The ${projectionName} read model has not reached position ${consistentWith} yet.`,
      {
        extensions: { code: ErrorCodes.STALE_READ, projection: projectionName, position: consistentWith },
      },
    );
  }
}
