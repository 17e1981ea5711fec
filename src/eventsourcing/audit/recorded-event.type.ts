import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { RecordedDomainEvent } from '../event-store/event-metadata';

@ObjectType('RecordedEvent', { description: 'One fact as the event store recorded it.' })
export class RecordedEventType {
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

  @Field(() => GraphQLISODateTime)
  recordedAt!: Date;

  @Field(() => GraphQLJSON)
  data!: unknown;

  @Field(() => GraphQLJSON, {
    description: 'correlationId, causationId, commandId, userId, occurredAt, schemaVersion',
  })
  metadata!: unknown;

  static from(event: RecordedDomainEvent): RecordedEventType {
    return Object.assign(new RecordedEventType(), {
      eventId: event.eventId,
      streamId: event.streamId,
      type: event.type,
      revision: Number(event.revision),
      position: String(event.position),
      recordedAt: event.recordedAt,
      data: event.data,
      metadata: event.metadata,
    });
  }
}
