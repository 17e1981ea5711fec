import { Inject } from '@nestjs/common';
import { Args, ArgsType, Context, Field, Float, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Db } from 'mongodb';
import { MeetupSalesDocument, meetupSalesProjection } from '../../../projections/meetup-sales.projection';
import { MONGO_DB } from '../../eventsourcing/tokens';
import { ConsistentWith } from '../../graphql/consistent-with';
import { ReadConsistency } from '../../graphql/read-consistency';
import { actorOf, GraphQLRequestContext } from '../../graphql/request-context';
import { IsNormalisedUuid } from '../../graphql/uuid';
import { Authenticated } from '../../identity/auth/auth.decorators';
import { forbidden, isAdmin } from '../../identity/domain/role';

@ObjectType('MeetupSales')
export class MeetupSalesType {
  @Field(() => ID)
  meetupId!: string;

  @Field(() => Int, { description: 'Seats of confirmed orders.' })
  seatsSold!: number;

  @Field(() => Int, { description: 'Seats held by orders still pending.' })
  seatsReserved!: number;

  @Field(() => Int)
  seatsAvailable!: number;

  @Field(() => Float, {
    description: 'What the confirmed orders brought, in cents (a whole number, possibly past 2^31).',
  })
  revenueCents!: number;
}

@ArgsType()
class MeetupSalesArgs {
  @Field(() => ID)
  @IsNormalisedUuid()
  meetupId!: string;

  @ConsistentWith()
  consistentWith?: string;
}

/** Sales figures, for a meetup's organiser and for admins. */
@Resolver(() => MeetupSalesType)
export class MeetupSalesResolver {
  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly consistency: ReadConsistency,
  ) {}

  @Authenticated()
  @Query(() => MeetupSalesType, { nullable: true, description: "A meetup's sales (its organiser, admins)." })
  async meetupSales(
    @Args() { meetupId, consistentWith }: MeetupSalesArgs,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<MeetupSalesType | null> {
    await this.consistency.waitFor(meetupSalesProjection.name, consistentWith);
    const sales = await this.db
      .collection<MeetupSalesDocument>(meetupSalesProjection.collection)
      .findOne({ _id: meetupId });
    if (!sales) return null;
    const actor = actorOf(request);
    if (sales.organizerId !== actor.userId && !isAdmin(actor)) {
      throw forbidden("see another organiser's sales");
    }
    return {
      meetupId,
      seatsSold: sales.seatsSold,
      seatsReserved: sales.seatsHeld - sales.seatsSold,
      seatsAvailable: sales.capacity - sales.seatsHeld,
      revenueCents: sales.revenueCents,
    };
  }
}
