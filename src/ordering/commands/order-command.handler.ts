import { DeciderCommandHandler } from '../../eventsourcing/deciders/decider-command-handler';
import { orderDecider } from '../domain/order.decider';
import { orderStreamId } from '../domain/order.streams';
import { OrderCommandMessage } from './order.messages';

export class OrderCommandHandler extends DeciderCommandHandler(OrderCommandMessage, orderDecider, (command) =>
  orderStreamId(command.orderId),
) {}
