import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../config/app-config';
import { CommandResult } from '../../eventsourcing/deciders/command-context';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { aggregateIdFor } from '../../eventsourcing/event-store/deterministic-ids';
import { APP_CONFIG } from '../../eventsourcing/tokens';
import { DomainError } from '../../eventsourcing/deciders/domain-error';
import { meetupDecider } from '../../meetups/domain/meetup.decider';
import { meetupNotFound } from '../../meetups/domain/meetup.errors';
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
    // What the meetup would answer the fulfilment process, asked now: refused at once.
    const refusal = refusalOf(() =>
      meetupDecider.decide({ type: 'ReserveSeats', meetupId, orderId, quantity, now }, meetup),
    );
    // The order's stream is this command's alone: if it exists, this is a repeat, answered as the
    // first whatever the meetup has become. Only a refusal needs to know.
    if (refusal && (await this.repository.read(streamId, orderDecider)).state.status === 'NONE')
      throw refusal;
    return this.repository.handle(streamId, orderDecider, place, context);
  }
}

function refusalOf(decide: () => unknown): DomainError | undefined {
  try {
    decide();
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}
