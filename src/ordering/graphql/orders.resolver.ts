import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { Args, ArgsType, Context, Field, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ordersProjection } from '../../../projections/orders.projection';
import { aggregateIdFor } from '../../eventsourcing/event-store/deterministic-ids';
import { CommandResultType } from '../../graphql/command-result.type';
import { ConsistentWith } from '../../graphql/consistent-with';
import { PageArgs } from '../../graphql/page-args';
import { ReadConsistency } from '../../graphql/read-consistency';
import { commandContext, actorOf, GraphQLRequestContext } from '../../graphql/request-context';
import { IsNormalisedUuid } from '../../graphql/uuid';
import { Authenticated } from '../../identity/auth/auth.decorators';
import { OrderCommandMessage, PlaceOrderMessage } from '../commands/order.messages';
import { CancelOrderInput, PlaceOrderInput } from './order.inputs';
import { OrderConnection, OrderType } from './order.type';
import { OrdersReader } from './orders.reader';

@ArgsType()
class OrderArgs {
  @Field(() => ID)
  @IsNormalisedUuid()
  id!: string;

  @ConsistentWith()
  consistentWith?: string;
}

@ArgsType()
class MyOrdersArgs extends PageArgs {
  @ConsistentWith()
  consistentWith?: string;
}

/** Ordering tickets, and following one's orders. */
@Resolver(() => OrderType)
export class OrdersResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly reader: OrdersReader,
    private readonly consistency: ReadConsistency,
  ) {}

  @Mutation(() => CommandResultType, {
    description: 'Orders tickets for a published meetup; the order id is `id`. Follow it with `order`.',
  })
  async placeOrder(
    @Args('input') { meetupId, quantity, paymentToken, ...input }: PlaceOrderInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    const commandId = input.commandId ?? randomUUID();
    const result = await this.commandBus.execute(
      new PlaceOrderMessage(
        { meetupId, quantity, paymentToken, actor: actorOf(request) },
        commandContext(request, { ...input, commandId }),
      ),
    );
    return CommandResultType.from(aggregateIdFor(commandId.toLowerCase()), result);
  }

  @Mutation(() => CommandResultType, { description: 'Gives up an order before it is confirmed (its buyer).' })
  async cancelOrder(
    @Args('input') { orderId, ...input }: CancelOrderInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    const result = await this.commandBus.execute(
      new OrderCommandMessage(
        { type: 'CancelOrderAsBuyer', orderId, actor: actorOf(request) },
        commandContext(request, input),
      ),
    );
    return CommandResultType.from(orderId, result);
  }

  @Authenticated()
  @Query(() => OrderType, { nullable: true, description: 'One of your orders (any order, for an admin).' })
  async order(
    @Args() { id, consistentWith }: OrderArgs,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<OrderType | null> {
    await this.consistency.waitFor(ordersProjection.name, consistentWith);
    return this.reader.byId(id, actorOf(request));
  }

  @Authenticated()
  @Query(() => OrderConnection, { description: 'Your orders, newest first.' })
  async myOrders(
    @Args() { first, after, consistentWith }: MyOrdersArgs,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<OrderConnection> {
    await this.consistency.waitFor(ordersProjection.name, consistentWith);
    return this.reader.mine(actorOf(request), first, after);
  }
}

/** The guard has checked the token of every operation that needs one. */
