import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakePaymentGateway } from '../../src/ordering/payments/fake-payment-gateway';
import { PaymentGateway } from '../../src/ordering/payments/payment-gateway';
import { MongoFixture, openMongo } from '../support/mongo';

let mongo: MongoFixture;
beforeAll(async () => {
  mongo = await openMongo();
});
afterAll(() => mongo.close());

/** What the order process relies on from any payment provider adapter. */
function paymentGatewayContract(name: string, make: () => PaymentGateway) {
  describe(`payment gateway contract: ${name}`, () => {
    const authorize = (gateway: PaymentGateway, paymentToken: string, idempotencyKey = randomUUID()) =>
      gateway.authorize({ idempotencyKey, paymentToken, amountCents: 2500 });

    it('authorizes tok_ok, once per idempotency key', async () => {
      const gateway = make();
      const key = randomUUID();
      const first = await authorize(gateway, 'tok_ok', key);
      expect(first.status).toBe('AUTHORIZED');
      expect(await authorize(gateway, 'tok_ok', key)).toEqual(first);
      expect(await authorize(gateway, 'tok_ok')).not.toEqual(first);
    });

    it('declines tok_declined and unknown tokens', async () => {
      const gateway = make();
      expect(await authorize(gateway, 'tok_declined')).toEqual({ status: 'DECLINED' });
      expect(await authorize(gateway, 'tok_unknown')).toEqual({ status: 'DECLINED' });
    });

    it('never answers tok_timeout: callers must bound the call', async () => {
      const gateway = make();
      const answer = await Promise.race([
        authorize(gateway, 'tok_timeout'),
        sleep(200).then(() => 'no answer'),
      ]);
      expect(answer).toBe('no answer');
    });

    it('refunds once per idempotency key', async () => {
      const gateway = make();
      const authorized = await authorize(gateway, 'tok_ok');
      if (authorized.status !== 'AUTHORIZED') throw new Error('not authorized');
      const request = {
        idempotencyKey: randomUUID(),
        authorizationId: authorized.authorizationId,
        amountCents: 2500,
      };
      const first = await gateway.refund(request);
      expect(await gateway.refund(request)).toEqual(first);
      expect(await gateway.refund({ ...request, idempotencyKey: randomUUID() })).not.toEqual(first);
    });
  });
}

paymentGatewayContract('the fake adapter', () => new FakePaymentGateway(mongo.db));

describe('the fake adapter keeps what it did', () => {
  it('counts one charge and one refund per key, whatever the repeats, across instances', async () => {
    await mongo.db.collection('fake_payments').deleteMany({});
    const gateway = new FakePaymentGateway(mongo.db);
    const authorized = await gateway.authorize({
      idempotencyKey: 'k1',
      paymentToken: 'tok_ok',
      amountCents: 100,
    });
    await gateway.authorize({ idempotencyKey: 'k1', paymentToken: 'tok_ok', amountCents: 100 });
    if (authorized.status !== 'AUTHORIZED') throw new Error('not authorized');
    await gateway.refund({
      idempotencyKey: 'r1',
      authorizationId: authorized.authorizationId,
      amountCents: 100,
    });
    await new FakePaymentGateway(mongo.db).refund({
      idempotencyKey: 'r1',
      authorizationId: authorized.authorizationId,
      amountCents: 100,
    });
    const made = await gateway.made();
    expect(made.map(({ kind, requests }) => ({ kind, requests }))).toEqual([
      { kind: 'charge', requests: 2 },
      { kind: 'refund', requests: 2 },
    ]);
  });
});
