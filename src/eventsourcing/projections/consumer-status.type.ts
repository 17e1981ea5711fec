import { Field, Float, GraphQLISODateTime, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConsumerKind, ConsumerState, ConsumerView, LAG_COUNT_LIMIT, RebuildView } from './consumer-overview';

export enum ConsumerKindEnum {
  PROJECTION = 'projection',
  REACTOR = 'reactor',
  PROCESS_MANAGER = 'process',
}
registerEnumType(ConsumerKindEnum, { name: 'ConsumerKind' });

export enum ConsumerStateEnum {
  CATCHING_UP = 'CATCHING_UP',
  LIVE = 'LIVE',
  PAUSED = 'PAUSED',
  REBUILDING = 'REBUILDING',
  FAILED = 'FAILED',
  STOPPED = 'STOPPED',
}
registerEnumType(ConsumerStateEnum, {
  name: 'ConsumerState',
  description:
    'CATCHING_UP: reading past events. LIVE: within 1,000 events of the head, handling events as they come. PAUSED: ' +
    'stopped by an operator. REBUILDING: a new read model is being built beside the live one. ' +
    'FAILED: retrying a failing batch, or outdated (see lastError). STOPPED: no worker runs it.',
});

@ObjectType('RebuildProgress', { description: 'A blue/green rebuild under way.' })
export class RebuildProgressType {
  @Field(() => Int, { description: 'The projection version it builds.' })
  version!: number;

  @Field({ description: 'requested (by an operator), or new-version (the projection changed).' })
  reason!: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt?: Date;

  @Field({ nullable: true, description: 'The `$all` commit position the new read model has reached.' })
  position?: string;

  @Field(() => Float, { description: 'Of the way to the head, by position.' })
  percent!: number;

  @Field(() => Int, { description: 'Events read since it (re)started in the worker running it.' })
  events!: number;

  @Field(() => Float)
  eventsPerSecond!: number;

  @Field(() => Int, { nullable: true, description: 'Seconds left at the current pace.' })
  etaSeconds?: number;

  static from(rebuild: RebuildView): RebuildProgressType {
    return Object.assign(new RebuildProgressType(), {
      ...rebuild,
      position: rebuild.position >= 0n ? rebuild.position.toString() : undefined,
    });
  }
}

const KINDS: Record<ConsumerKind, ConsumerKindEnum> = {
  projection: ConsumerKindEnum.PROJECTION,
  reactor: ConsumerKindEnum.REACTOR,
  process: ConsumerKindEnum.PROCESS_MANAGER,
};

@ObjectType('ConsumerStatus', {
  description: 'A subscription (projection, reactor or process manager), wherever it runs.',
})
export class ConsumerStatusType {
  @Field({
    description:
      'As parked events and leases name it: `projection:meetup-catalog`, `reactor:notifications`, …',
  })
  name!: string;

  @Field(() => ConsumerKindEnum)
  kind!: ConsumerKindEnum;

  @Field({ nullable: true, description: "A projection's own name, as `rebuildProjection` takes it." })
  projection?: string;

  @Field(() => Int, { nullable: true, description: "A projection's version." })
  version?: number;

  @Field(() => ConsumerStateEnum)
  state!: ConsumerState;

  @Field({ nullable: true, description: 'The `$all` commit position of the last event it handled.' })
  checkpoint?: string;

  @Field({ nullable: true, description: 'The `$all` commit position of the last domain event.' })
  head?: string;

  @Field(() => Int, {
    description: `Domain events after its checkpoint, counted up to ${LAG_COUNT_LIMIT} (that many means at least).`,
  })
  lag!: number;

  @Field(() => Float, { description: 'Over the last few seconds.' })
  eventsPerSecond!: number;

  @Field(() => Int, { description: 'Events parked and not replayed or discarded yet.' })
  parked!: number;

  @Field({ nullable: true })
  lastError?: string;

  @Field({ nullable: true, description: 'The worker process running it (host/pid/random).' })
  holder?: string;

  @Field(() => RebuildProgressType, { nullable: true })
  rebuild?: RebuildProgressType;

  static from(view: ConsumerView): ConsumerStatusType {
    return Object.assign(new ConsumerStatusType(), {
      ...view,
      kind: KINDS[view.kind],
      checkpoint: view.checkpoint?.toString(),
      head: view.head?.toString(),
      rebuild: view.rebuild && RebuildProgressType.from(view.rebuild),
    });
  }
}
