import { Collection, Db } from 'mongodb';
import { v5 as uuidV5 } from 'uuid';
import { AuthorizeRequest, AuthorizeResult, PaymentGateway, RefundRequest } from './payment-gateway';

const NAMESPACE = '6a3e2f1d-0c9b-4a8e-b7d6-5c4b3a291807';

/** Test cards: what each payment token does. */
export const TEST_TOKENS = {
  tok_ok: 'authorizes',
  tok_declined: 'declines',
  tok_timeout: 'never answers',
} as const;

/** One charge or refund the fake provider made, under one idempotency key. */
export interface FakePayment {
  /** `charge/<key>` or `refund/<key>`. */
  _id: string;
  kind: 'charge' | 'refund';
  idempotencyKey: string;
  /** The authorization id of a charge, the refund id of a refund. */
  id: string;
  /** For a refund: the charge it gives back. */
  authorizationId?: string;
  amountCents: number;
  /** How many times it was asked for: repeats have no second effect. */
  requests: number;
}

/**
 * A deterministic payment provider for development and tests: `tok_ok` authorizes,
 * `tok_declined` declines, `tok_timeout` never answers, anything else declines. Like a real
 * provider it honours idempotency keys and keeps what it did, outside the app's processes (in
 * MongoDB, `fake_payments`), so a test can count charges and refunds across crashes.
 */
export class FakePaymentGateway implements PaymentGateway {
  private readonly payments: Collection<FakePayment>;

  constructor(db: Db) {
    this.payments = db.collection<FakePayment>('fake_payments');
  }

  async authorize({ idempotencyKey, paymentToken, amountCents }: AuthorizeRequest): Promise<AuthorizeResult> {
    if (paymentToken === 'tok_timeout') return new Promise(() => undefined);
    if (paymentToken !== 'tok_ok') return { status: 'DECLINED' };
    const charge = await this.once('charge', idempotencyKey, { amountCents });
    return { status: 'AUTHORIZED', authorizationId: charge.id };
  }

  async refund({
    idempotencyKey,
    authorizationId,
    amountCents,
  }: RefundRequest): Promise<{ refundId: string }> {
    const refund = await this.once('refund', idempotencyKey, { authorizationId, amountCents });
    return { refundId: refund.id };
  }

  /** Every charge and refund made. */
  made(): Promise<FakePayment[]> {
    return this.payments.find().toArray();
  }

  private async once(
    kind: FakePayment['kind'],
    idempotencyKey: string,
    details: Pick<FakePayment, 'amountCents' | 'authorizationId'>,
  ): Promise<FakePayment> {
    const _id = `${kind}/${idempotencyKey}`;
    const made = await this.payments.findOneAndUpdate(
      { _id },
      {
        $setOnInsert: { kind, idempotencyKey, id: uuidV5(_id, NAMESPACE), ...details },
        $inc: { requests: 1 },
      },
      { upsert: true, returnDocument: 'after' },
    );
    return made!;
  }
}
