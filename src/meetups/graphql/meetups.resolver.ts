import { Args, ArgsType, Context, Field, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { randomUUID } from 'node:crypto';
import { meetupCatalogProjection } from '../../../projections/meetup-catalog.projection';
import { CommandResult } from '../../eventsourcing/deciders/command-context';
import { newStreamIdFor } from '../../eventsourcing/event-store/event-serializer';
import { CommandResultType } from '../../graphql/command-result.type';
import { ReadConsistency } from '../../graphql/read-consistency';
import { commandContext, GraphQLRequestContext } from '../../graphql/request-context';
import {
  CancelMeetupMessage,
  PublishMeetupMessage,
  RescheduleMeetupMessage,
  ScheduleMeetupMessage,
} from '../commands/meetup.command-messages';
import { MeetupCatalogReader } from './meetup-catalog.reader';
import {
  CancelMeetupInput,
  MeetupsFilter,
  PublishMeetupInput,
  RescheduleMeetupInput,
  ScheduleMeetupInput,
} from './meetup.inputs';
import { MeetupConnection, MeetupType } from './meetup.type';

const CONSISTENT_WITH = {
  nullable: true,
  description: 'A `position` from a mutation: wait until this view includes it (or fail with STALE_READ).',
};

@ArgsType()
class MeetupsArgs {
  @Field(() => MeetupsFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => MeetupsFilter)
  filter?: MeetupsFilter;

  @Field(() => Int, { defaultValue: 20 })
  @IsInt()
  @Min(1)
  @Max(100)
  first!: number;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  after?: string;

  @Field(CONSISTENT_WITH)
  @IsOptional()
  @IsString()
  consistentWith?: string;
}

@Resolver(() => MeetupType)
export class MeetupsResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly reader: MeetupCatalogReader,
    private readonly consistency: ReadConsistency,
  ) {}

  @Mutation(() => CommandResultType, { description: 'Schedules a draft meetup.' })
  async scheduleMeetup(
    @Args('input') input: ScheduleMeetupInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    const context = commandContext(request, input.commandId ?? randomUUID());
    const meetupId = newStreamIdFor('meetup', context.commandId);
    const { title, description, city, startsAt, capacity } = input;
    const command = {
      type: 'ScheduleMeetup' as const,
      meetupId,
      title,
      description,
      city,
      startsAt,
      capacity,
      now: new Date(),
    };
    const result = await this.commandBus.execute<ScheduleMeetupMessage, CommandResult>(
      new ScheduleMeetupMessage(
        context.userId ? { ...command, organizerId: context.userId } : command,
        context,
      ),
    );
    return CommandResultType.from(meetupId, result);
  }

  @Mutation(() => CommandResultType, { description: 'Makes a draft meetup public.' })
  async publishMeetup(
    @Args('input') input: PublishMeetupInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    const context = commandContext(request, input.commandId);
    const result = await this.commandBus.execute<PublishMeetupMessage, CommandResult>(
      new PublishMeetupMessage({ type: 'PublishMeetup', meetupId: input.meetupId }, context),
    );
    return CommandResultType.from(input.meetupId, result);
  }

  @Mutation(() => CommandResultType, { description: 'Moves a meetup to another start time, in the future.' })
  async rescheduleMeetup(
    @Args('input') input: RescheduleMeetupInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    const context = commandContext(request, input.commandId);
    const command = {
      type: 'RescheduleMeetup' as const,
      meetupId: input.meetupId,
      startsAt: input.startsAt,
      now: new Date(),
    };
    const result = await this.commandBus.execute<RescheduleMeetupMessage, CommandResult>(
      new RescheduleMeetupMessage(command, context),
    );
    return CommandResultType.from(input.meetupId, result);
  }

  @Mutation(() => CommandResultType, { description: 'Cancels a meetup, for good.' })
  async cancelMeetup(
    @Args('input') input: CancelMeetupInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    const context = commandContext(request, input.commandId);
    const result = await this.commandBus.execute<CancelMeetupMessage, CommandResult>(
      new CancelMeetupMessage(
        { type: 'CancelMeetup', meetupId: input.meetupId, reason: input.reason },
        context,
      ),
    );
    return CommandResultType.from(input.meetupId, result);
  }

  @Query(() => MeetupType, { nullable: true })
  async meetup(
    @Args('id', { type: () => ID }) id: string,
    @Args('consistentWith', { ...CONSISTENT_WITH, type: () => String }) consistentWith?: string,
  ): Promise<MeetupType | null> {
    await this.consistency.waitFor(meetupCatalogProjection.name, consistentWith);
    return this.reader.byId(id);
  }

  @Query(() => MeetupConnection, { description: 'Meetups sorted by start time.' })
  async meetups(@Args() args: MeetupsArgs): Promise<MeetupConnection> {
    await this.consistency.waitFor(meetupCatalogProjection.name, args.consistentWith);
    return this.reader.list(args.filter ?? {}, args.first, args.after);
  }
}
