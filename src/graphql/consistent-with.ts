import { applyDecorators } from '@nestjs/common';
import { Field } from '@nestjs/graphql';
import { IsOptional, IsString } from 'class-validator';

/** The `consistentWith` argument of a query on a read model: a position to wait for. */
export const ConsistentWith = () =>
  applyDecorators(
    Field({
      nullable: true,
      description:
        'A `position` from a mutation: wait until this view includes it (or fail with STALE_READ).',
    }),
    IsOptional(),
    IsString(),
  );
