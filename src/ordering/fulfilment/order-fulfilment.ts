import { setTimeout as sleep } from 'node:timers/promises';
import { CommandContext } from '../../eventsourcing/deciders/command-context';
import { DomainError } from '../../eventsourcing/deciders/domain-error';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { stepCommandId } from '../../eventsourcing/event-store/deterministic-ids';
import { RecordedDomainEvent } from '../../eventsourcing/event-store/event-metadata';
import { MeetupCommand } from '../../meetups/domain/meetup.commands';
import { meetupDecider } from '../../meetups/domain/meetup.decider';
import { MeetupEvent } from '../../meetups/domain/meetup.events';
import { toStreamId } from '../../meetups/domain/meetup.stream';
import { OrderCommand } from '../domain/order.commands';
import { orderDecider, PlacedOrder } from '../domain/order.decider';
import { CancellationReason, OrderEvent } from '../domain/order.events';
import { orderStreamId } from '../domain/order.streams';
import { PaymentGateway } from '../payments/payment-gateway';
import { OrderTimers } from './order-timers';

type Trigger = RecordedDomainEvent & (OrderEvent | MeetupEvent);

/** The event types the process reacts to. */
export const FULFILMENT_TRIGGERS = [
  'OrderPlaced',
  'SeatsReserved',
  'PaymentAuthorized',
  'OrderConfirmed',
  'OrderCancelled',
  'MeetupCancelled',
] as const;

/** Why the meetup refused seats, as the order's cancellation reason. */
const REJECTIONS: Record<string, CancellationReason> = {
  SOLD_OUT: 'SOLD_OUT',
  MEETUP_CANCELLED: 'MEETUP_CANCELLED',
  MEETUP_NOT_FOUND: 'MEETUP_CANCELLED',
  MEETUP_NOT_PUBLISHED: 'MEETUP_CANCELLED',
  MEETUP_STARTED: 'EXPIRED',
};

/**
 * Order fulfilment, a process manager: on `OrderPlaced` it reserves seats on the meetup's
 * stream; once they are held it authorises the payment through the gateway; once paid it
 * confirms. A refusal, a decline, a payment that does not answer in time, an expiry or a
 * cancelled meetup cancels the order, and a cancelled order gets its seats released and its
 * payment refunded (compensation).
 *
 * Every step is a command whose id is derived from the event that triggered it, and every
 * gateway call carries a key derived from the order: a replayed event, or a crash between two
 * steps, repeats nothing. Each step reads the order's state first, so a late event acts only
 * where it still applies.
 */
export class OrderFulfilment {
  constructor(
    private readonly repository: EventSourcedRepository,
    private readonly gateway: PaymentGateway,
    private readonly timers: OrderTimers,
    private readonly paymentTimeoutMs: number,
  ) {}

  async handle(events: RecordedDomainEvent[], stopping?: AbortSignal): Promise<void> {
    for (const event of events as Trigger[]) await this.react(event, stopping);
  }

  /** Expires the orders whose time has come; a timer is cleared only once its order is done with. */
  async expireDue(now = new Date()): Promise<number> {
    const due = await this.timers.due(now);
    for (const orderId of due) {
      const context = processContext(stepCommandId(orderId, 'expire'), orderId);
      await this.onOrder(orderId, { type: 'CancelOrder', orderId, reason: 'EXPIRED' }, context);
      await this.timers.clear(orderId);
    }
    return due.length;
  }

  private async react(event: Trigger, stopping?: AbortSignal): Promise<void> {
    switch (event.type) {
      case 'OrderPlaced':
        await this.timers.set(event.data.orderId, new Date(event.data.expiresAt));
        return this.reserveSeats(event, event.data.orderId);
      case 'SeatsReserved':
        return this.pay(event, event.data.orderId, stopping);
      case 'PaymentAuthorized':
        return void (await this.onOrder(
          event.data.orderId,
          { type: 'ConfirmOrder', orderId: event.data.orderId },
          contextOf(event, 'confirm'),
        ));
      case 'OrderConfirmed':
        return this.timers.clear(event.data.orderId);
      case 'OrderCancelled':
        return this.compensate(event, event.data.orderId);
      case 'MeetupCancelled':
        return this.cancelOrdersOf(event, event.data.meetupId);
      default:
        return;
    }
  }

  private async reserveSeats(event: Trigger, orderId: string): Promise<void> {
    const order = await this.order(orderId);
    if (order?.status !== 'PENDING') return;
    const reserve: MeetupCommand = {
      type: 'ReserveSeats',
      meetupId: order.meetupId,
      orderId,
      quantity: order.quantity,
      now: new Date(),
    };
    try {
      await this.onMeetup(order.meetupId, reserve, contextOf(event, 'reserve-seats'));
    } catch (error) {
      if (!(error instanceof DomainError) || !(error.code in REJECTIONS)) throw error;
      const reject: OrderCommand = { type: 'RejectSeats', orderId, reason: REJECTIONS[error.code] };
      await this.onOrder(orderId, reject, contextOf(event, 'reject-seats'));
    }
  }

  private async pay(event: Trigger, orderId: string, stopping?: AbortSignal): Promise<void> {
    const order = await this.order(orderId);
    if (!order) return;
    // Cancelled while the seats were being held: give them back.
    if (order.status === 'CANCELLED') {
      await this.releaseSeats(event, order);
      return;
    }
    if (order.status !== 'PENDING' || order.paid) return;
    const outcome = await this.authorize(order, stopping);
    const context = contextOf(event, 'record-payment');
    if (outcome.status === 'AUTHORIZED') {
      await this.onOrder(
        orderId,
        { type: 'RecordPayment', orderId, authorizationId: outcome.authorizationId },
        context,
      );
      // Cancelled while the payment was on its way: the payment goes back.
      const after = await this.order(orderId);
      if (after?.status === 'CANCELLED') await this.refund(event, after, outcome.authorizationId);
    } else {
      const reason = outcome.status === 'TIMED_OUT' ? 'PAYMENT_TIMEOUT' : 'PAYMENT_DECLINED';
      await this.onOrder(orderId, { type: 'DeclinePayment', orderId, reason }, context);
    }
  }

  /** The gateway's answer, or TIMED_OUT; throws when the process stops meanwhile (it asks again later). */
  private async authorize(order: PlacedOrder, stopping?: AbortSignal) {
    if (order.amountCents === 0) return { status: 'AUTHORIZED' as const, authorizationId: 'free' };
    const request = {
      idempotencyKey: `authorize/${order.orderId}`,
      paymentToken: order.paymentToken,
      amountCents: order.amountCents,
    };
    const done = new AbortController();
    const signal = stopping ? AbortSignal.any([done.signal, stopping]) : done.signal;
    try {
      return await Promise.race([
        this.gateway.authorize(request),
        sleep(this.paymentTimeoutMs, { status: 'TIMED_OUT' as const }, { signal }),
      ]);
    } finally {
      done.abort();
    }
  }

  private async compensate(event: Trigger, orderId: string): Promise<void> {
    await this.timers.clear(orderId);
    const order = await this.order(orderId);
    if (!order) return;
    await this.releaseSeats(event, order);
    if (order.paid && order.authorizationId) await this.refund(event, order, order.authorizationId);
  }

  private releaseSeats(event: Trigger, order: PlacedOrder): Promise<unknown> {
    const release: MeetupCommand = { type: 'ReleaseSeats', meetupId: order.meetupId, orderId: order.orderId };
    return this.onMeetup(order.meetupId, release, contextOf(event, `release-seats/${order.orderId}`));
  }

  private async refund(event: Trigger, order: PlacedOrder, authorizationId: string): Promise<void> {
    if (authorizationId === 'free') return;
    const { refundId } = await this.gateway.refund({
      idempotencyKey: `refund/${order.orderId}`,
      authorizationId,
      amountCents: order.amountCents,
    });
    const record: OrderCommand = { type: 'RecordRefund', orderId: order.orderId, refundId };
    await this.onOrder(order.orderId, record, contextOf(event, `record-refund/${order.orderId}`));
  }

  /** A cancelled meetup ends every order holding its seats; the orders' own cancellation compensates. */
  private async cancelOrdersOf(event: Trigger, meetupId: string): Promise<void> {
    const { state } = await this.repository.read(toStreamId(meetupId), meetupDecider);
    if (state.status === 'NONE') return;
    for (const orderId of Object.keys(state.reservations)) {
      const cancel: OrderCommand = { type: 'CancelOrder', orderId, reason: 'MEETUP_CANCELLED' };
      await this.onOrder(orderId, cancel, contextOf(event, `cancel-order/${orderId}`));
    }
  }

  private async order(orderId: string): Promise<PlacedOrder | undefined> {
    const { state } = await this.repository.read(orderStreamId(orderId), orderDecider);
    return state.status === 'NONE' ? undefined : state;
  }

  private onOrder(orderId: string, command: OrderCommand, context: CommandContext) {
    return this.repository.handle(orderStreamId(orderId), orderDecider, command, context);
  }

  private onMeetup(meetupId: string, command: MeetupCommand, context: CommandContext) {
    return this.repository.handle(toStreamId(meetupId), meetupDecider, command, context);
  }
}

/** A step's context: its id derived from the event and the step, in the event's conversation. */
function contextOf(event: Trigger, step: string): CommandContext {
  return {
    commandId: stepCommandId(event.eventId, step),
    correlationId: event.metadata.correlationId,
    causationId: event.eventId,
    ...(event.metadata.userId ? { userId: event.metadata.userId } : {}),
  };
}

function processContext(commandId: string, causationId: string): CommandContext {
  return { commandId, correlationId: commandId, causationId };
}
