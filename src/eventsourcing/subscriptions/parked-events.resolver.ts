import { Args, ArgsType, Field, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { IsNormalisedUuid } from '../../graphql/uuid';
import { AdminOnly } from '../../identity/auth/auth.decorators';
import { ParkedEventType } from './parked-event.type';
import { ParkedEventsService } from './parked-events.service';

@ArgsType()
class ConsumerArgs {
  @Field({
    description: 'A subscription, as its status names it: `projection:<name>`, `reactor:<name>`, …',
  })
  @IsString()
  @Length(1, 200)
  consumer!: string;
}

@ArgsType()
class ParkedEventsArgs extends ConsumerArgs {
  @Field(() => Int, { defaultValue: 100, nullable: true })
  @IsInt()
  @Min(1)
  @Max(1000)
  limit!: number;
}

@ArgsType()
class ParkedEventIdArgs {
  @Field(() => ID)
  @IsNormalisedUuid()
  id!: string;
}

/** Parked events: listed, replayed once their cause is fixed, or discarded (admins). */
@Resolver(() => ParkedEventType)
export class ParkedEventsResolver {
  constructor(private readonly parked: ParkedEventsService) {}

  @AdminOnly()
  @Query(() => [ParkedEventType], {
    description: 'The events a subscription parked and has not applied yet, oldest first (admins).',
  })
  async parkedEvents(@Args() { consumer, limit }: ParkedEventsArgs): Promise<ParkedEventType[]> {
    return (await this.parked.list(consumer, limit)).map(ParkedEventType.from);
  }

  @AdminOnly()
  @Mutation(() => [ParkedEventType], {
    description:
      'Applies again, once, every event the subscription parked, where the subscription runs; answers ' +
      'each with its outcome (REPLAYED, PARKED with the new error, or REPLAY_REQUESTED if not done in 10 s).',
  })
  async replayParkedEvents(@Args() { consumer }: ConsumerArgs): Promise<ParkedEventType[]> {
    return (await this.parked.replay(consumer)).map(ParkedEventType.from);
  }

  @AdminOnly()
  @Mutation(() => ParkedEventType, { description: 'Gives up on a parked event for good (admins).' })
  async discardParkedEvent(@Args() { id }: ParkedEventIdArgs): Promise<ParkedEventType> {
    return ParkedEventType.from(await this.parked.discard(id));
  }
}
