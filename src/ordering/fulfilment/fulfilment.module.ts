import { Module } from '@nestjs/common';
import { Db } from 'mongodb';
import { MONGO_DB } from '../../eventsourcing/tokens';
import { FakePaymentGateway } from '../payments/fake-payment-gateway';
import { PAYMENT_GATEWAY } from '../payments/payment-gateway';
import { FulfilmentReactor } from './fulfilment.reactor';

/** Order fulfilment, with the deterministic payment provider (the only adapter so far). */
@Module({
  providers: [
    { provide: PAYMENT_GATEWAY, useFactory: (db: Db) => new FakePaymentGateway(db), inject: [MONGO_DB] },
    FulfilmentReactor,
  ],
  exports: [PAYMENT_GATEWAY],
})
export class FulfilmentModule {}
