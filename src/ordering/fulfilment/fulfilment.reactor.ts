import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Db } from 'mongodb';
import { AppConfig } from '../../config/app-config';
import { EventSourcedRepository } from '../../eventsourcing/deciders/event-sourced-repository';
import { ReactorHost } from '../../eventsourcing/subscriptions/reactor-host';
import { APP_CONFIG, MONGO_DB } from '../../eventsourcing/tokens';
import { PAYMENT_GATEWAY, PaymentGateway } from '../payments/payment-gateway';
import { FULFILMENT_TRIGGERS, OrderFulfilment } from './order-fulfilment';
import { OrderTimers } from './order-timers';

export const FULFILMENT_SUBSCRIPTION = 'process:order-fulfilment';

/** How often due order timers are looked for. */
const TIMER_POLL_MS = 1000;

/**
 * Runs order fulfilment on the worker role: its subscription, and its timers, both only in the
 * worker process that holds the subscription's lease.
 */
@Injectable()
export class FulfilmentReactor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Fulfilment');
  private poller: NodeJS.Timeout | undefined;
  private polling: Promise<unknown> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    private readonly repository: EventSourcedRepository,
    private readonly reactors: ReactorHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === 'api') return;
    const timers = new OrderTimers(this.db);
    await timers.prepare();
    const fulfilment = new OrderFulfilment(
      this.repository,
      this.gateway,
      timers,
      this.config.paymentTimeoutMs,
    );
    await this.reactors.start(FULFILMENT_SUBSCRIPTION, FULFILMENT_TRIGGERS, (events, stopping) =>
      fulfilment.handle(events, stopping),
    );
    this.poller = setInterval(() => {
      if (!this.reactors.holds(FULFILMENT_SUBSCRIPTION)) return;
      this.polling ??= fulfilment
        .fireDue()
        .catch((error: Error) => this.logger.warn(`order timers: ${error.message}`))
        .finally(() => (this.polling = undefined));
    }, TIMER_POLL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.poller);
    await this.polling;
  }
}
