import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../config/app-config';
import { CommandResult } from '../../eventsourcing/deciders/command-context';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { aggregateIdFor } from '../../eventsourcing/event-store/deterministic-ids';
import { APP_CONFIG } from '../../eventsourcing/tokens';
import { meetupDecider, seatsAvailable } from '../../meetups/domain/meetup.decider';
import {
  meetupCancelled,
  meetupNotFound,
  meetupNotPublished,
  meetupStarted,
  soldOut,
} from '../../meetups/domain/meetup.errors';
import { toStreamId } from '../../meetups/domain/meetup.stream';
import { orderDecider } from '../domain/order.decider';
import { orderStreamId } from '../domain/order.streams';
import { PlaceOrderMessage } from './order.messages';

/**
 * Places an order for a published meetup that has not started, priced at its ticket price. The
 * meetup is read to refuse at once what cannot succeed; the seats themselves are reserved on the
 * meetup's stream by the fulfilment process, which alone decides whether there are enough.
 */
@CommandHandler(PlaceOrderMessage)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrderMessage, CommandResult> {
  constructor(
    private readonly repository: EventSourcedRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ command, context }: PlaceOrderMessage): Promise<CommandResult> {
    const { meetupId, quantity, paymentToken, actor } = command;
    const orderId = aggregateIdFor(context.commandId.toLowerCase());
    const streamId = orderStreamId(orderId);
    const { state: meetup } = await this.repository.read(toStreamId(meetupId), meetupDecider);
    if (meetup.status === 'NONE') throw meetupNotFound(meetupId);
    const now = new Date();
    const place = {
      type: 'PlaceOrder' as const,
      orderId,
      meetupId,
      quantity,
      amountCents: quantity * meetup.ticketPriceCents,
      paymentToken,
      paymentTimeoutSeconds: this.config.orderPaymentTimeoutSeconds,
      actor,
      now,
    };
    // The order's stream is this command's alone: if it exists, this is a repeat, answered as the first.
    const repeat = (await this.repository.read(streamId, orderDecider)).state.status !== 'NONE';
    if (!repeat) {
      if (meetup.status === 'CANCELLED') throw meetupCancelled(meetupId);
      if (meetup.status === 'DRAFT') throw meetupNotPublished(meetupId);
      if (Date.parse(meetup.startsAt) <= now.getTime()) throw meetupStarted(meetupId);
      if (seatsAvailable(meetup) < quantity) throw soldOut(meetupId, seatsAvailable(meetup));
    }
    return this.repository.handle(streamId, orderDecider, place, context);
  }
}
