import { Args, ArgsType, Context, Field, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { IsOptional, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { randomUUID } from 'node:crypto';
import { meetupCatalogProjection } from '../../../projections/meetup-catalog.projection';
import { aggregateIdFor } from '../../eventsourcing/event-store/deterministic-ids';
import { CommandInput } from '../../graphql/command-input';
import { CommandResultType } from '../../graphql/command-result.type';
import { ReadConsistency } from '../../graphql/read-consistency';
import { commandContext, actorOf, GraphQLRequestContext } from '../../graphql/request-context';
import { ConsistentWith } from '../../graphql/consistent-with';
import { PageArgs } from '../../graphql/page-args';
import { IsNormalisedUuid } from '../../graphql/uuid';
import { MeetupCommandMessage } from '../commands/meetup-command.handler';
import { MeetupCommand } from '../domain/meetup.commands';
import { MeetupCatalogReader } from './meetup-catalog.reader';
import {
  CancelMeetupInput,
  MeetupsFilter,
  PublishMeetupInput,
  RescheduleMeetupInput,
  ScheduleMeetupInput,
} from './meetup.inputs';
import { MeetupConnection, MeetupType } from './meetup.type';

@ArgsType()
class MeetupArgs {
  @Field(() => ID)
  @IsNormalisedUuid()
  id!: string;

  @ConsistentWith()
  consistentWith?: string;
}

@ArgsType()
class MeetupsArgs extends PageArgs {
  @Field(() => MeetupsFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => MeetupsFilter)
  filter?: MeetupsFilter;

  @ConsistentWith()
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
  scheduleMeetup(
    @Args('input') input: ScheduleMeetupInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    const { title, description, city, startsAt, capacity, ticketPriceCents } = input;
    // The new meetup's id comes from the command id, so a retried creation lands on the same one.
    const commandId = input.commandId ?? randomUUID();
    return this.send({ ...input, commandId }, request, {
      type: 'ScheduleMeetup',
      meetupId: aggregateIdFor(commandId),
      title,
      description,
      city,
      startsAt,
      capacity,
      ticketPriceCents,
      actor: actorOf(request),
      now: new Date(),
    });
  }

  @Mutation(() => CommandResultType, { description: 'Makes a draft meetup public.' })
  publishMeetup(
    @Args('input') { meetupId, ...input }: PublishMeetupInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    return this.send(input, request, { type: 'PublishMeetup', meetupId, actor: actorOf(request) });
  }

  @Mutation(() => CommandResultType, { description: 'Moves a meetup to another start time, in the future.' })
  rescheduleMeetup(
    @Args('input') { meetupId, startsAt, ...input }: RescheduleMeetupInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    return this.send(input, request, {
      type: 'RescheduleMeetup',
      meetupId,
      startsAt,
      actor: actorOf(request),
      now: new Date(),
    });
  }

  @Mutation(() => CommandResultType, { description: 'Cancels a meetup, for good.' })
  cancelMeetup(
    @Args('input') { meetupId, reason, ...input }: CancelMeetupInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    return this.send(input, request, { type: 'CancelMeetup', meetupId, reason, actor: actorOf(request) });
  }

  @Query(() => MeetupType, { nullable: true })
  async meetup(@Args() { id, consistentWith }: MeetupArgs): Promise<MeetupType | null> {
    await this.consistency.waitFor(meetupCatalogProjection.name, consistentWith);
    return this.reader.byId(id);
  }

  @Query(() => MeetupConnection, { description: 'Meetups sorted by start time.' })
  async meetups(@Args() args: MeetupsArgs): Promise<MeetupConnection> {
    await this.consistency.waitFor(meetupCatalogProjection.name, args.consistentWith);
    return this.reader.list(args.filter ?? {}, args.first, args.after);
  }

  private async send(
    input: CommandInput,
    request: GraphQLRequestContext,
    command: MeetupCommand,
  ): Promise<CommandResultType> {
    const result = await this.commandBus.execute(
      new MeetupCommandMessage(command, commandContext(request, input)),
    );
    return CommandResultType.from(command.meetupId, result);
  }
}

/** Every mutation needs a session token: the guard has checked it. */
