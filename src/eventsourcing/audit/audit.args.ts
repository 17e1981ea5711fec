import { ArgsType, Field, GraphQLISODateTime, Int } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsDate,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { ConsistentWith } from '../../graphql/consistent-with';
import { PageArgs } from '../../graphql/page-args';
import { IsNormalisedUuid } from '../../graphql/uuid';

const POSITION = /^\d{1,20}$/;
const CATEGORY_AND_UUID = /^[a-z]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stream id argument: `<category>-<uuid>` in any letter case names one stream. */
@ArgsType()
export class StreamArgs {
  @Field({
    description: 'A stream: `<category>-<id>`, such as `meetup-<meetup id>` or `command-<command id>`.',
  })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && CATEGORY_AND_UUID.test(value) ? value.toLowerCase() : value,
  )
  @IsString()
  @Length(1, 200)
  @Matches(/^[^$]/, { message: "streamId must not name one of the server's own $-prefixed streams" })
  @Matches(/^(?!snapshot-)/, {
    message: 'streamId must not name a snapshot stream: snapshots only spare folding long streams',
  })
  streamId!: string;
}

@ArgsType()
export class StreamHistoryArgs extends StreamArgs {
  @Field(() => Int, { defaultValue: 0, nullable: true, description: 'The next page: the last revision + 1.' })
  @IsInt()
  @Min(0)
  fromRevision!: number;

  @Field(() => Int, { defaultValue: 100, nullable: true })
  @IsInt()
  @Min(1)
  @Max(1000)
  limit!: number;
}

@ArgsType()
export class StreamStateAtArgs extends StreamArgs {
  @Field(() => Int, { nullable: true, description: 'The state after this revision. Give this or `at`.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  revision?: number;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'The state after the last event recorded at or before this moment. Give this or `revision`.',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  at?: Date;
}

@ArgsType()
export class AuditEventsArgs {
  @Field({
    nullable: true,
    description: 'Only events after this `$all` position: the next page starts after the last `position`.',
  })
  @IsOptional()
  @Matches(POSITION, { message: 'after must be a position' })
  after?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  types?: string[];

  @Field({ nullable: true, description: 'A correlation id (a UUID, in any letter case).' })
  @IsOptional()
  @IsNormalisedUuid()
  correlationId?: string;

  @Field(() => Int, { defaultValue: 100, nullable: true })
  @IsInt()
  @Min(1)
  @Max(1000)
  limit!: number;

  @ConsistentWith()
  consistentWith?: string;
}

@ArgsType()
export class CorrelationTrailArgs {
  @Field({ description: 'A correlation id (a UUID, in any letter case).' })
  @IsNormalisedUuid()
  correlationId!: string;

  @ConsistentWith()
  consistentWith?: string;
}

@ArgsType()
export class UserActivityArgs extends PageArgs {
  @Field({ description: 'A user id (a UUID, in any letter case).' })
  @IsNormalisedUuid()
  userId!: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Only events recorded at or after this.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Only events recorded at or before this.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;

  @ConsistentWith()
  consistentWith?: string;
}

/** A position argument as a number, or undefined; anything else is refused as `field`. */
export const isPosition = (value: string): boolean => POSITION.test(value);
