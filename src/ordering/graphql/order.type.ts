import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { OrderDocument } from '../../../projections/orders.projection';
import { PageInfo } from '../../graphql/page-info.type';
import { CANCELLATION_REASONS } from '../domain/order.events';

export enum OrderStatusEnum {
  PENDING = 'PENDING',
  CONFIRMED = 'CONFIRMED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(OrderStatusEnum, { name: 'OrderStatus' });

export const CancellationReasonEnum = Object.fromEntries(CANCELLATION_REASONS.map((r) => [r, r]));
registerEnumType(CancellationReasonEnum, { name: 'CancellationReason' });

@ObjectType('OrderStep', { description: 'One thing that happened to an order.' })
export class OrderStepType {
  @Field()
  type!: string;

  @Field(() => GraphQLISODateTime)
  at!: Date;
}

@ObjectType('Order')
export class OrderType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  meetupId!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Int, { description: 'The whole price, in cents.' })
  amountCents!: number;

  @Field(() => OrderStatusEnum)
  status!: OrderStatusEnum;

  @Field(() => CancellationReasonEnum, { nullable: true, description: 'Why a cancelled order ended.' })
  reason!: string | null;

  @Field(() => [String], { description: 'Ticket codes, once confirmed.' })
  tickets!: string[];

  @Field(() => GraphQLISODateTime)
  placedAt!: Date;

  @Field(() => GraphQLISODateTime, { description: 'Unpaid by then, the order expires.' })
  expiresAt!: Date;

  @Field(() => [OrderStepType])
  history!: OrderStepType[];

  @Field(() => Int, { description: "Revision of the order's stream this view reflects." })
  revision!: number;

  static from(doc: OrderDocument): OrderType {
    const { _id, _position, buyerId: _buyer, status, ...rest } = doc;
    return Object.assign(new OrderType(), { id: _id, status: status as OrderStatusEnum, ...rest });
  }
}

@ObjectType('OrderEdge')
export class OrderEdge {
  @Field()
  cursor!: string;

  @Field(() => OrderType)
  node!: OrderType;
}

@ObjectType('OrderConnection')
export class OrderConnection {
  @Field(() => [OrderEdge])
  edges!: OrderEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
