import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, Min } from 'class-validator';
import { IsNormalisedUuid } from './uuid';

/** The fields every mutation input shares. */
@InputType({ isAbstract: true })
export abstract class CommandInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'A UUID naming this command. Repeating it with the same input appends nothing and returns the ' +
      'first result; using it for anything else is IDEMPOTENCY_KEY_REUSED.',
  })
  @IsOptional()
  @IsNormalisedUuid()
  commandId?: string;

  @Field(() => Int, {
    nullable: true,
    description:
      'The revision the client saw (a `revision` from a query or a mutation; -1 for "no such aggregate ' +
      'yet"): the command is decided against exactly it, or refused with WRONG_EXPECTED_REVISION.',
  })
  @IsOptional()
  @IsInt()
  @Min(-1)
  expectedRevision?: number;
}
