import { CommandMessage } from '../../eventsourcing/deciders/command-message';
import { Actor } from '../../identity/domain/role';
import { OrderCommand } from '../domain/order.commands';

/** An order as the buyer asks for it: priced and timed by the handler from its meetup. */
export class PlaceOrderMessage extends CommandMessage<{
  meetupId: string;
  quantity: number;
  paymentToken: string;
  actor: Actor;
}> {}

/** Order commands that need nothing but the order's stream. */
export class OrderCommandMessage extends CommandMessage<OrderCommand> {}
