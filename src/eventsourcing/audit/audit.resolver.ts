import { Args, ArgsType, Field, Int, Query, Resolver } from '@nestjs/graphql';
import { ArrayMaxSize, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsNormalisedUuid } from '../../graphql/uuid';
import { AuditService } from './audit.service';
import { RecordedEventType } from './recorded-event.type';

const POSITION = /^\d{1,20}$/;

@ArgsType()
class StreamHistoryArgs {
  @Field()
  @IsString()
  @Length(1, 200)
  @Matches(/^[^$]/, { message: "streamId must not name one of the server's own $-prefixed streams" })
  streamId!: string;

  @Field(() => Int, { defaultValue: 0, nullable: true })
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
class AuditEventsArgs {
  @Field({
    nullable: true,
    description: 'Only events after this `$all` position (a `position` from a result).',
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
}

/** The audit trail: what happened, when, who did it and what caused it. */
@Resolver(() => RecordedEventType)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => [RecordedEventType], { description: 'The events of one stream, oldest first.' })
  async streamHistory(@Args() args: StreamHistoryArgs): Promise<RecordedEventType[]> {
    const events = await this.audit.streamHistory(args.streamId, BigInt(args.fromRevision), args.limit);
    return events.map(RecordedEventType.from);
  }

  @Query(() => [RecordedEventType], {
    description: 'Events across all streams, oldest first, filtered by type and correlation id.',
  })
  async auditEvents(@Args() args: AuditEventsArgs): Promise<RecordedEventType[]> {
    const events = await this.audit.auditEvents({
      after: args.after == null ? undefined : BigInt(args.after),
      types: args.types,
      correlationId: args.correlationId,
      limit: args.limit,
    });
    return events.map(RecordedEventType.from);
  }
}
