import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ParkedEventDocument, ParkedEventState } from './parked-events';

export enum ParkedEventStateEnum {
  PARKED = 'parked',
  REPLAY_REQUESTED = 'replay-requested',
  REPLAYED = 'replayed',
  DISCARDED = 'discarded',
}
registerEnumType(ParkedEventStateEnum, {
  name: 'ParkedEventState',
  description:
    'PARKED: passed by after failing. REPLAY_REQUESTED: to be applied again by its consumer. ' +
    'REPLAYED: applied, once. DISCARDED: never to be applied.',
});

const STATES: Record<ParkedEventState, ParkedEventStateEnum> = {
  parked: ParkedEventStateEnum.PARKED,
  'replay-requested': ParkedEventStateEnum.REPLAY_REQUESTED,
  replayed: ParkedEventStateEnum.REPLAYED,
  discarded: ParkedEventStateEnum.DISCARDED,
};

@ObjectType('ParkedEvent', {
  description: 'An event a subscription kept failing on, and passed by so as to go on with the others.',
})
export class ParkedEventType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The subscription that parked it, as its status names it.' })
  consumer!: string;

  @Field(() => ID)
  eventId!: string;

  @Field()
  streamId!: string;

  @Field()
  type!: string;

  @Field(() => Int)
  revision!: number;

  @Field({ description: 'The `$all` commit position.' })
  position!: string;

  @Field({ description: 'The error it was parked with, or the one its last replay failed with.' })
  error!: string;

  @Field(() => Int, { description: 'How many times it was tried on its own, replays included.' })
  attempts!: number;

  @Field(() => GraphQLISODateTime)
  parkedAt!: Date;

  @Field(() => ParkedEventStateEnum)
  state!: ParkedEventStateEnum;

  @Field(() => GraphQLISODateTime, { nullable: true })
  replayedAt?: Date;

  static from(record: ParkedEventDocument): ParkedEventType {
    return Object.assign(new ParkedEventType(), {
      id: record._id,
      consumer: record.consumer,
      eventId: record.eventId,
      streamId: record.streamId,
      type: record.type,
      revision: Number(record.revision),
      position: String(BigInt(record.position)),
      error: record.error,
      attempts: record.attempts,
      parkedAt: record.parkedAt,
      state: STATES[record.state],
      replayedAt: record.replayedAt,
    });
  }
}
