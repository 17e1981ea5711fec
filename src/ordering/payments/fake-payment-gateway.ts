import { v5 as uuidV5 } from 'uuid';
import { AuthorizeRequest, AuthorizeResult, PaymentGateway, RefundRequest } from './payment-gateway';

const NAMESPACE = '6a3e2f1d-0c9b-4a8e-b7d6-5c4b3a291807';

/** Test cards: what each payment token does. */
export const TEST_TOKENS = {
  tok_ok: 'authorizes',
  tok_declined: 'declines',
  tok_timeout: 'never answers',
} as const;

/**
 * A deterministic payment provider for development and tests: `tok_ok` authorizes,
 * `tok_declined` declines, `tok_timeout` never answers, anything else declines. Like a real
 * provider it honours idempotency keys, and it keeps what it did, so tests can count charges.
 */
export class FakePaymentGateway implements PaymentGateway {
  /** Every charge and refund made, by idempotency key: one effect per key. */
  readonly charges = new Map<string, { authorizationId: string; amountCents: number }>();
  readonly refunds = new Map<string, { refundId: string; authorizationId: string; amountCents: number }>();
  /** Every call, repeats included. */
  calls = 0;

  authorize({ idempotencyKey, paymentToken, amountCents }: AuthorizeRequest): Promise<AuthorizeResult> {
    this.calls++;
    if (paymentToken === 'tok_timeout') return new Promise(() => undefined);
    if (paymentToken !== 'tok_ok') return Promise.resolve({ status: 'DECLINED' });
    const charge = this.charges.get(idempotencyKey) ?? {
      authorizationId: uuidV5(`authorization/${idempotencyKey}`, NAMESPACE),
      amountCents,
    };
    this.charges.set(idempotencyKey, charge);
    return Promise.resolve({ status: 'AUTHORIZED', authorizationId: charge.authorizationId });
  }

  refund({ idempotencyKey, authorizationId, amountCents }: RefundRequest): Promise<{ refundId: string }> {
    this.calls++;
    const refund = this.refunds.get(idempotencyKey) ?? {
      refundId: uuidV5(`refund/${idempotencyKey}`, NAMESPACE),
      authorizationId,
      amountCents,
    };
    this.refunds.set(idempotencyKey, refund);
    return Promise.resolve({ refundId: refund.refundId });
  }
}
