import { Args, ArgsType, Field, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IsString, Length } from 'class-validator';
import { AdminOnly } from '../../identity/auth/auth.decorators';
import { ConsumerOverview } from './consumer-overview';
import { ConsumerStatusType } from './consumer-status.type';
import { ProjectionOperations } from './projection-operations';

@ArgsType()
class ProjectionArgs {
  @Field({
    description: 'The projection: `meetup-catalog`, or as its status names it, `projection:meetup-catalog`.',
  })
  @IsString()
  @Length(1, 200)
  name!: string;
}

/** Projection operations, and every consumer's status (admins). */
@Resolver(() => ConsumerStatusType)
export class ProjectionsResolver {
  constructor(
    private readonly overview: ConsumerOverview,
    private readonly operations: ProjectionOperations,
  ) {}

  @AdminOnly()
  @Query(() => [ConsumerStatusType], {
    description:
      'Every subscription: projections, reactors, process managers; where each runs, how far behind, ' +
      'and the progress of a rebuild (admins).',
  })
  async projections(): Promise<ConsumerStatusType[]> {
    return (await this.overview.all()).map(ConsumerStatusType.from);
  }

  @AdminOnly()
  @Mutation(() => ConsumerStatusType, {
    description:
      'Rebuilds a projection from the start of the stream into a new collection, swapped in once it ' +
      'has caught up; queries read the old one until then. A rebuild under way goes on (admins).',
  })
  async rebuildProjection(@Args() { name }: ProjectionArgs): Promise<ConsumerStatusType> {
    return ConsumerStatusType.from(await this.operations.rebuild(name));
  }

  @AdminOnly()
  @Mutation(() => ConsumerStatusType, {
    description: 'Stops a projection (and its rebuild) after the batch in hand, until resumed (admins).',
  })
  async pauseProjection(@Args() { name }: ProjectionArgs): Promise<ConsumerStatusType> {
    return ConsumerStatusType.from(await this.operations.pause(name));
  }

  @AdminOnly()
  @Mutation(() => ConsumerStatusType, { description: 'Runs a paused projection again (admins).' })
  async resumeProjection(@Args() { name }: ProjectionArgs): Promise<ConsumerStatusType> {
    return ConsumerStatusType.from(await this.operations.resume(name));
  }
}
