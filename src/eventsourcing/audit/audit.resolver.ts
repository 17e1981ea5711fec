import { Args, ArgsType, Context, Field, Int, Query, Resolver } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { actorOf, GraphQLRequestContext } from '../../graphql/request-context';
import { IsNormalisedUuid } from '../../graphql/uuid';
import { AdminOnly, Authenticated } from '../../identity/auth/auth.decorators';
import { forbidden, isAdmin } from '../../identity/domain/role';
import { AuditService } from './audit.service';
import { RecordedEventType } from './recorded-event.type';

const POSITION = /^\d{1,20}$/;
const CATEGORY_AND_UUID = /^[a-z]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ArgsType()
class StreamHistoryArgs {
  @Field({
    description: 'A stream: `<category>-<id>`, such as `meetup-<meetup id>` or `command-<command id>`.',
  })
  // The application's streams are named by a category and a UUID, which any letter case names.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && CATEGORY_AND_UUID.test(value) ? value.toLowerCase() : value,
  )
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

  @Authenticated()
  @Query(() => [RecordedEventType], {
    description:
      'The events of one stream, oldest first: for admins, and for users on the streams they started.',
  })
  async streamHistory(
    @Args() args: StreamHistoryArgs,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<RecordedEventType[]> {
    const actor = actorOf(request);
    if (!isAdmin(actor) && (await this.audit.creatorOf(args.streamId)) !== actor.userId) {
      throw forbidden("read another user's stream");
    }
    const events = await this.audit.streamHistory(args.streamId, BigInt(args.fromRevision), args.limit);
    return events.map(RecordedEventType.from);
  }

  @AdminOnly()
  @Query(() => [RecordedEventType], {
    description: 'Events across all streams, oldest first, filtered by type and correlation id (admins).',
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
