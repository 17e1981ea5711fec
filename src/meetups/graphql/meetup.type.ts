import { PageInfo } from '../../graphql/page-info.type';
import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum MeetupStatusEnum {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(MeetupStatusEnum, { name: 'MeetupStatus' });

@ObjectType('Meetup')
export class MeetupType {
  @Field(() => ID)
  id!: string;

  @Field()
  title!: string;

  @Field()
  description!: string;

  @Field()
  city!: string;

  @Field(() => GraphQLISODateTime)
  startsAt!: Date;

  @Field(() => Int)
  capacity!: number;

  @Field(() => Int, { description: 'Seats neither reserved by a pending order nor sold.' })
  seatsAvailable!: number;

  @Field(() => Int, { description: 'The price of one ticket, in cents.' })
  ticketPriceCents!: number;

  @Field(() => MeetupStatusEnum)
  status!: MeetupStatusEnum;

  @Field(() => Int, { description: "Revision of the meetup's stream this view reflects." })
  revision!: number;
}

@ObjectType('MeetupEdge')
export class MeetupEdge {
  @Field()
  cursor!: string;

  @Field(() => MeetupType)
  node!: MeetupType;
}

@ObjectType('MeetupConnection')
export class MeetupConnection {
  @Field(() => [MeetupEdge])
  edges!: MeetupEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
