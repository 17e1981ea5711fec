import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { OrderCommandHandler } from './commands/order-command.handler';
import { PlaceOrderHandler } from './commands/place-order.handler';
import { MeetupSalesResolver } from './graphql/meetup-sales.resolver';
import { OrdersReader } from './graphql/orders.reader';
import { OrdersResolver } from './graphql/orders.resolver';

@Module({
  imports: [CqrsModule],
  providers: [PlaceOrderHandler, OrderCommandHandler, OrdersReader, OrdersResolver, MeetupSalesResolver],
})
export class OrderingModule {}
