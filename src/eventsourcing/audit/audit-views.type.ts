import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { PageInfo } from '../../graphql/page-info.type';
import { RecordedEventType } from './recorded-event.type';

@ObjectType('CorrelationTrail', { description: 'Every event of one business flow, across streams.' })
export class CorrelationTrailType {
  @Field()
  correlationId!: string;

  @Field(() => [RecordedEventType], { description: 'In `$all` order.' })
  events!: RecordedEventType[];

  @Field(() => GraphQLJSON, {
    description:
      'Which command or event caused which: a list of root commands, each ' +
      '`{ commandId, commandType, causedBy, events: [{ eventId, type, streamId, position, caused: [command] }], caused: [command] }`. ' +
      'A root is a command a client sent, or one whose cause is outside the flow.',
  })
  tree!: unknown;

  @Field({ description: 'More events share this correlation id than the trail shows (1,000).' })
  truncated!: boolean;
}

@ObjectType('StreamState', { description: "A stream's state as its own decider folds it." })
export class StreamStateType {
  @Field()
  streamId!: string;

  @Field(() => Int, { description: 'The revision of the last event folded; -1 when there was none yet.' })
  revision!: number;

  @Field(() => GraphQLJSON)
  state!: unknown;

  @Field(() => Int, { description: 'How many events were folded.' })
  eventCount!: number;

  @Field(() => [RecordedEventType], {
    description: 'The last events folded, up to 100, oldest first: `streamHistory` pages through them all.',
  })
  events!: RecordedEventType[];
}

@ObjectType('RecordedEventEdge')
export class RecordedEventEdge {
  @Field()
  cursor!: string;

  @Field(() => RecordedEventType)
  node!: RecordedEventType;
}

@ObjectType('RecordedEventConnection')
export class RecordedEventConnection {
  @Field(() => [RecordedEventEdge])
  edges!: RecordedEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
