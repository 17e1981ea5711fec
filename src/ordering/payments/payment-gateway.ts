/**
 * The payment provider, as the order process sees it. Every call carries an idempotency key:
 * the same key always names the same charge or refund, so a call repeated after a crash has no
 * second effect. A call may also never answer: callers bound it with a timeout.
 */
export interface PaymentGateway {
  authorize(request: AuthorizeRequest): Promise<AuthorizeResult>;
  refund(request: RefundRequest): Promise<{ refundId: string }>;
}

export interface AuthorizeRequest {
  idempotencyKey: string;
  paymentToken: string;
  amountCents: number;
}

export type AuthorizeResult = { status: 'AUTHORIZED'; authorizationId: string } | { status: 'DECLINED' };

export interface RefundRequest {
  idempotencyKey: string;
  authorizationId: string;
  amountCents: number;
}

export const PAYMENT_GATEWAY = Symbol('PAYMENT_GATEWAY');
