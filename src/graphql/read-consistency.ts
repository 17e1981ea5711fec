import { Injectable } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { ProjectionsService } from '../eventsourcing/projections/projections.service';
import { ErrorCodes } from './error-codes';
import { InvalidInputError } from './graphql-error.filter';

/** Lets a query read its own writes: waits (bounded) until a read model has passed a position. */
@Injectable()
export class ReadConsistency {
  constructor(private readonly projections: ProjectionsService) {}

  async waitFor(projectionName: string, consistentWith: string | undefined | null): Promise<void> {
    if (consistentWith === undefined || consistentWith === null) return;
    if (!/^\d{1,20}$/.test(consistentWith)) {
      throw new InvalidInputError([
        { field: 'consistentWith', problems: ['consistentWith must be a position returned by a mutation'] },
      ]);
    }
    if (!(await this.projections.waitFor(projectionName, BigInt(consistentWith)))) {
      throw new GraphQLError(
        `The ${projectionName} read model has not reached position ${consistentWith} yet.`,
        {
          extensions: { code: ErrorCodes.STALE_READ, projection: projectionName, position: consistentWith },
        },
      );
    }
  }
}
