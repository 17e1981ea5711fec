import { setTimeout as sleep } from 'node:timers/promises';
import { CommandContext, reactionContext } from '../../eventsourcing/deciders/command-context';
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
import { fulfilmentDecider, FulfilmentCommand, fulfilmentStreamId } from './fulfilment.decider';
import { KeyedQueue } from './keyed-queue';
import { OrderTimer, OrderTimers } from './order-timers';

/** The event types the process reacts to. */
export const FULFILMENT_TRIGGERS = [
  'OrderPlaced',
  'SeatsReserved',
  'PaymentAuthorized',
  'OrderConfirmed',
  'OrderCancelled',
  'MeetupCancelled',
] as const;

type Trigger = RecordedDomainEvent &
  Extract<OrderEvent | MeetupEvent, { type: (typeof FULFILMENT_TRIGGERS)[number] }>;

/** Why the meetup refused seats, as the order's cancellation reason. */
const REJECTIONS: Record<string, CancellationReason> = {
  SOLD_OUT: 'SOLD_OUT',
  MEETUP_CANCELLED: 'MEETUP_CANCELLED',
  MEETUP_NOT_FOUND: 'MEETUP_CANCELLED',
  MEETUP_NOT_PUBLISHED: 'MEETUP_CANCELLED',
  MEETUP_STARTED: 'EXPIRED',
};

/** Every order that ever held seats of a meetup: a fold of its stream, read whole. */
const ordersOfMeetup = {
  initialState: [] as readonly string[],
  evolve: (orders: readonly string[], event: MeetupEvent): readonly string[] => {
    if (event.type !== 'SeatsReserved') return orders;
    // The first reservation starts a list of the fold's own, extended in place from then on.
    const list = orders.length === 0 ? [] : (orders as string[]);
    list.push(event.data.orderId);
    return list;
  },
  decide: (): MeetupEvent[] => [],
};

/**
 * Order fulfilment, a process manager: on `OrderPlaced` it reserves seats on the meetup's
 * stream; once they are held it authorises the payment through the gateway; once paid it
 * confirms, and the seats are sold. A refusal, a decline, a payment that does not answer in
 * time, an expiry or a cancelled meetup cancels the order, and a cancelled order gets its seats
 * released and its payment refunded (compensation).
 *
 * It keeps its own record of each order in the stream `fulfilment-<order id>`: when it took the
 * order in hand and when it expires, each call it made to the payment provider (recorded before
 * the call), and how the order ended. Its timers are an index of those deadlines.
 *
 * Every step is a command whose id is derived from the event that triggered it (releasing seats,
 * which several events can lead to, from the order), and every gateway call carries a key
 * derived from the order: a replayed event, or a crash between two steps, repeats nothing. Each
 * step reads the order's state first, so a late event acts only where it still applies.
 */
export class OrderFulfilment {
  private readonly meetups = new KeyedQueue();
  /** Orders whose payment this process is waiting on. */
  private readonly settling = new Set<string>();

  constructor(
    private readonly repository: EventSourcedRepository,
    private readonly gateway: PaymentGateway,
    private readonly timers: OrderTimers,
    private readonly paymentTimeoutMs: number,
  ) {}

  /**
   * Handles a batch: each order's events in order, different orders side by side. A cancelled
   * meetup waits for what came before it, and holds back what comes after.
   */
  async handle(events: RecordedDomainEvent[], stopping?: AbortSignal): Promise<void> {
    let orders = new Map<string, Trigger[]>();
    const runOrders = async () => {
      const settled = await Promise.allSettled(
        [...orders.values()].map(async (ofOrder) => {
          for (const event of ofOrder) await this.react(event, stopping);
        }),
      );
      orders = new Map();
      const failed = settled.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    };
    for (const event of events as Trigger[]) {
      if (event.type === 'MeetupCancelled') {
        await runOrders();
        await this.react(event, stopping);
      } else {
        const ofOrder = orders.get(event.data.orderId) ?? [];
        ofOrder.push(event);
        orders.set(event.data.orderId, ofOrder);
      }
    }
    await runOrders();
  }

  /**
   * Acts on the timers whose time has come: expires the orders due, and asks again for the
   * payments whose answer was lost (the process stopped while waiting). A timer is cleared only
   * once its order is done with.
   */
  async fireDue(now = new Date()): Promise<number> {
    const due = await this.timers.due(now);
    for (const timer of due) {
      const { kind, orderId, correlationId, causationId } = timer;
      if (kind === 'payment') {
        await this.askAgain(timer);
        continue;
      }
      const context = { commandId: stepCommandId(causationId, 'expire'), correlationId, causationId };
      await this.onOrder(orderId, { type: 'CancelOrder', orderId, reason: 'EXPIRED' }, context);
      await this.timers.clear('expiry', orderId);
    }
    return due.length;
  }

  private async askAgain({ orderId, correlationId, causationId }: OrderTimer): Promise<void> {
    if (this.settling.has(orderId)) return;
    const order = await this.order(orderId);
    if (order?.status !== 'PENDING' || order.paid) {
      await this.timers.clear('payment', orderId);
      return;
    }
    const context = { commandId: stepCommandId(causationId, 'record-payment'), correlationId, causationId };
    await this.settleApart(order, context);
  }

  private async react(event: Trigger, stopping?: AbortSignal): Promise<void> {
    switch (event.type) {
      case 'OrderPlaced':
        return this.start(event, event.data);
      case 'SeatsReserved':
        return this.pay(event, event.data.orderId, stopping);
      case 'PaymentAuthorized':
        return void (await this.onOrder(
          event.data.orderId,
          { type: 'ConfirmOrder', orderId: event.data.orderId },
          reactionContext(event, 'confirm'),
        ));
      case 'OrderConfirmed':
        return this.sellSeats(event, event.data.orderId, event.data.meetupId);
      case 'OrderCancelled':
        return this.compensate(event, event.data.orderId);
      case 'MeetupCancelled':
        return this.cancelOrdersOf(event, event.data.meetupId);
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  }

  private async start(event: Trigger, placed: { orderId: string; meetupId: string; expiresAt: string }) {
    const { orderId, meetupId, expiresAt } = placed;
    const begin: FulfilmentCommand = { type: 'StartFulfilment', orderId, meetupId, expiresAt };
    await this.onFulfilment(orderId, begin, reactionContext(event, 'start'));
    const { correlationId } = event.metadata;
    const dueAt = new Date(expiresAt);
    await this.timers.set({ kind: 'expiry', orderId, dueAt, correlationId, causationId: event.eventId });
    await this.reserveSeats(event, orderId);
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
      await this.onMeetup(order.meetupId, reserve, reactionContext(event, 'reserve-seats'));
    } catch (error) {
      if (!(error instanceof DomainError) || !(error.code in REJECTIONS)) throw error;
      const reject: OrderCommand = { type: 'RejectSeats', orderId, reason: REJECTIONS[error.code] };
      await this.onOrder(orderId, reject, reactionContext(event, 'reject-seats'));
    }
  }

  /**
   * Asks for the payment of an order whose seats are held, unless it is no longer pending or has
   * expired meanwhile (the process was down: it expires now rather than being charged). The
   * provider's answer is waited for apart from the subscription, so that a payment that does not
   * answer holds up no other order; a durable timer asks again if the answer is lost to a crash.
   */
  private async pay(event: Trigger, orderId: string, stopping?: AbortSignal): Promise<void> {
    const order = await this.order(orderId);
    if (!order) return;
    // Cancelled while the seats were being held: give them back.
    if (order.status === 'CANCELLED') {
      await this.releaseSeats(event, order);
      return;
    }
    if (order.status !== 'PENDING' || order.paid) return;
    if (Date.parse(order.expiresAt) <= Date.now()) {
      const expire: OrderCommand = { type: 'CancelOrder', orderId, reason: 'EXPIRED' };
      await this.onOrder(orderId, expire, reactionContext(event, 'expire'));
      return;
    }
    const context = reactionContext(event, 'record-payment');
    // A free order has no provider to wait for.
    if (order.amountCents === 0) return this.settlePayment(order, context);
    const requested: FulfilmentCommand = {
      type: 'RequestPayment',
      orderId,
      idempotencyKey: paymentKey(orderId),
      amountCents: order.amountCents,
    };
    await this.onFulfilment(orderId, requested, reactionContext(event, 'request-payment'));
    await this.settleApart(order, context, stopping);
  }

  /**
   * Waits for the provider apart from the caller, under a durable timer that asks again should
   * the answer be lost: set first, cleared once the answer is recorded.
   */
  private async settleApart(order: PlacedOrder, context: CommandContext, stopping?: AbortSignal) {
    const { orderId } = order;
    const { correlationId, causationId } = context;
    const dueAt = new Date(Date.now() + 2 * this.paymentTimeoutMs);
    await this.timers.set({ kind: 'payment', orderId, dueAt, correlationId, causationId });
    this.settling.add(orderId);
    void this.settlePayment(order, context, stopping)
      .catch(() => undefined)
      .finally(() => this.settling.delete(orderId));
  }

  /** Records the provider's answer, or its silence, on the order; a payment come too late goes back. */
  private async settlePayment(
    order: PlacedOrder,
    context: CommandContext,
    stopping?: AbortSignal,
  ): Promise<void> {
    const { orderId } = order;
    const outcome = await this.authorize(order, stopping);
    if (outcome.status === 'AUTHORIZED') {
      const { authorizationId } = outcome;
      await this.onOrder(orderId, { type: 'RecordPayment', orderId, authorizationId }, context);
      // Cancelled while the payment was on its way: the payment goes back.
      const after = await this.order(orderId);
      if (after?.status === 'CANCELLED') await this.refund(context, after, authorizationId);
    } else {
      const reason = outcome.status === 'TIMED_OUT' ? 'PAYMENT_TIMEOUT' : 'PAYMENT_DECLINED';
      await this.onOrder(orderId, { type: 'DeclinePayment', orderId, reason }, context);
    }
    await this.timers.clear('payment', orderId);
  }

  /** The gateway's answer, or TIMED_OUT; throws when the process stops meanwhile (it asks again later). */
  private async authorize(order: PlacedOrder, stopping?: AbortSignal) {
    const { orderId, amountCents, paymentToken } = order;
    if (amountCents === 0) return { status: 'AUTHORIZED' as const, authorizationId: FREE };
    const request = { idempotencyKey: paymentKey(orderId), paymentToken, amountCents };
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

  private async sellSeats(event: Trigger, orderId: string, meetupId: string): Promise<void> {
    await this.onMeetup(
      meetupId,
      { type: 'SellSeats', meetupId, orderId },
      reactionContext(event, 'sell-seats'),
    );
    await this.end(event, orderId, 'CONFIRMED');
  }

  private async compensate(event: Trigger, orderId: string): Promise<void> {
    const order = await this.order(orderId);
    if (!order) return;
    await this.releaseSeats(event, order);
    if (order.paid && order.authorizationId) await this.refund(event, order, order.authorizationId);
    await this.end(event, orderId, 'CANCELLED');
  }

  private async end(event: Trigger, orderId: string, status: 'CONFIRMED' | 'CANCELLED'): Promise<void> {
    await this.onFulfilment(
      orderId,
      { type: 'EndFulfilment', orderId, status },
      reactionContext(event, 'end'),
    );
    await this.timers.clear('expiry', orderId);
  }

  /**
   * Gives back what the order holds: its held seats, or the seats it bought (only a cancelled
   * meetup cancels a confirmed order). The same command whichever event leads here, so it is
   * decided once per order.
   */
  private releaseSeats(event: Trigger, order: PlacedOrder): Promise<unknown> {
    const { meetupId, orderId, quantity, confirmed } = order;
    const release: MeetupCommand = {
      type: 'ReleaseSeats',
      meetupId,
      orderId,
      ...(confirmed ? { soldQuantity: quantity } : {}),
    };
    const context = {
      ...reactionContext(event, 'release-seats'),
      commandId: stepCommandId(orderId, 'release-seats'),
    };
    return this.onMeetup(meetupId, release, context);
  }

  private async refund(cause: Trigger | CommandContext, order: PlacedOrder, authorizationId: string) {
    if (authorizationId === FREE) return;
    const { orderId, amountCents } = order;
    const idempotencyKey = `refund/${orderId}`;
    const requested: FulfilmentCommand = {
      type: 'RequestRefund',
      orderId,
      idempotencyKey,
      authorizationId,
      amountCents,
    };
    await this.onFulfilment(orderId, requested, stepOf(cause, `request-refund/${orderId}`));
    const { refundId } = await this.gateway.refund({ idempotencyKey, authorizationId, amountCents });
    const record: OrderCommand = { type: 'RecordRefund', orderId, refundId };
    await this.onOrder(orderId, record, stepOf(cause, `record-refund/${orderId}`));
  }

  /** A cancelled meetup ends every order holding its seats; the orders' own cancellation compensates. */
  private async cancelOrdersOf(event: Trigger, meetupId: string): Promise<void> {
    const { state: orders } = await this.repository.read(toStreamId(meetupId), ordersOfMeetup);
    for (const orderId of orders) {
      const cancel: OrderCommand = { type: 'CancelOrder', orderId, reason: 'MEETUP_CANCELLED' };
      await this.onOrder(orderId, cancel, reactionContext(event, `cancel-order/${orderId}`));
    }
  }

  private async order(orderId: string): Promise<PlacedOrder | undefined> {
    const { state } = await this.repository.read(orderStreamId(orderId), orderDecider);
    return state.status === 'NONE' ? undefined : state;
  }

  private onOrder(orderId: string, command: OrderCommand, context: CommandContext) {
    return this.repository.handle(orderStreamId(orderId), orderDecider, command, context);
  }

  /**
   * One seat command at a time per meetup: orders of one meetup would otherwise race on its
   * stream, and retry; in turn, each is appended at the revision this process just wrote.
   */
  private onMeetup(meetupId: string, command: MeetupCommand, context: CommandContext) {
    return this.meetups.run(meetupId, () =>
      this.repository.handle(toStreamId(meetupId), meetupDecider, command, context),
    );
  }

  private onFulfilment(orderId: string, command: FulfilmentCommand, context: CommandContext) {
    return this.repository.handle(fulfilmentStreamId(orderId), fulfilmentDecider, command, context);
  }
}

const paymentKey = (orderId: string) => `authorize/${orderId}`;

/** The authorization of an order that costs nothing: there is nothing to refund. */
const FREE = 'free';

/** A step taken after another (a command's context), in its conversation. */
function stepOf(cause: Trigger | CommandContext, step: string): CommandContext {
  if ('eventId' in cause) return reactionContext(cause, step);
  return { ...cause, commandId: stepCommandId(cause.commandId, step) };
}
