import { randomUUID } from 'node:crypto';
import { BACKWARDS, END } from '@eventstore/db-client';
import { MongoClient } from 'mongodb';
import { eventStoreClient, openStores, startTestApp, useTestApp } from '../support/app';
import { ADMIN_ENV, logInAsAdmin, signUp, TestUser } from '../support/identity';
import { CANCEL, inDays, PUBLISH, SCHEDULE } from '../support/meetup-operations';
import { readAllOf, waitFor } from '../support/read';

const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id revision position } }`;
const CANCEL_ORDER = `mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { id position } }`;
const ORDER = `query ($id: ID!, $at: String) {
  order(id: $id, consistentWith: $at) {
    id meetupId quantity amountCents status reason tickets placedAt expiresAt history { type at } revision
  }
}`;
const MY_ORDERS = `query ($at: String) { myOrders(first: 10, consistentWith: $at) { edges { node { id status } } } }`;

const codeOf = (response: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  response.errors?.[0]?.extensions?.code;

describe('ordering tickets', () => {
  const app = useTestApp({ ORDER_PAYMENT_TIMEOUT_SECONDS: '600', PAYMENT_TIMEOUT_MS: '1500' });
  let organiser: TestUser;
  let buyer: TestUser;
  let meetupId: string;

  const schedule = async (publish: boolean, capacity = 50) => {
    const input = {
      title: 'Tickets night',
      city: 'Porto',
      startsAt: inDays(9),
      capacity,
      ticketPriceCents: 1250,
    };
    const scheduled = await app.gql(SCHEDULE, { input }, organiser.headers);
    const id = scheduled.data!.scheduleMeetup.id as string;
    if (publish) await app.gql(PUBLISH, { input: { meetupId: id } }, organiser.headers);
    return id;
  };
  /** The position of the newest event in the store. */
  const head = async () => {
    let position = -1n;
    for await (const resolved of app.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
    })) {
      position = resolved.event!.position.commit;
    }
    return position;
  };
  const place = (user: TestUser, input: Record<string, unknown>) =>
    app.gql(PLACE, { input: { meetupId, quantity: 2, paymentToken: 'tok_ok', ...input } }, user.headers);

  beforeAll(async () => {
    [organiser, buyer] = await Promise.all([signUp(app, 'ORGANIZER'), signUp(app, 'ATTENDEE')]);
    meetupId = await schedule(true);
  });

  it("places an order at the meetup's price, which its buyer follows", async () => {
    const placed = await place(buyer, {});
    expect(placed.errors).toBeUndefined();
    const { id, position } = placed.data!.placeOrder;
    const order = (await app.gql(ORDER, { id, at: position }, buyer.headers)).data!.order;
    expect(order).toMatchObject({ id, meetupId, quantity: 2, amountCents: 2500, reason: null, tickets: [] });
    expect(['PENDING', 'CONFIRMED']).toContain(order.status);
    expect(Date.parse(order.expiresAt) - Date.parse(order.placedAt)).toBeGreaterThan(590_000);
    expect(order.history[0].type).toBe('OrderPlaced');
    const mine = await app.gql(MY_ORDERS, { at: position }, buyer.headers);
    expect(mine.data!.myOrders.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(id);
  });

  it('shows an order to its buyer only', async () => {
    const { id, position } = (await place(buyer, {})).data!.placeOrder;
    expect((await app.gql(ORDER, { id, at: position }, organiser.headers)).data!.order).toBeNull();
    expect(codeOf(await app.gql(ORDER, { id }))).toBe('UNAUTHENTICATED');
  });

  it('answers a repeat with the first result, and refuses the id for another order', async () => {
    const commandId = randomUUID();
    const first = await place(buyer, { commandId });
    expect((await place(buyer, { commandId: commandId.toUpperCase() })).data).toEqual(first.data);
    expect(codeOf(await place(buyer, { commandId, quantity: 3 }))).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses orders that cannot succeed, appending nothing', async () => {
    const draft = await schedule(false);
    const cancelled = await schedule(true);
    await app.gql(CANCEL, { input: { meetupId: cancelled, reason: 'Rain' } }, organiser.headers);
    const full = await schedule(true, 1);
    // Earlier orders may still be under way: what these requests would append carries their correlation id.
    const correlationId = randomUUID();
    const refused = (input: Record<string, unknown>, headers = buyer.headers) =>
      app.gql(
        PLACE,
        { input: { meetupId, quantity: 2, paymentToken: 'tok_ok', ...input } },
        { ...headers, 'x-correlation-id': correlationId },
      );
    const before = await head();
    expect(codeOf(await refused({ meetupId: draft }))).toBe('MEETUP_NOT_PUBLISHED');
    expect(codeOf(await refused({ meetupId: cancelled }))).toBe('MEETUP_CANCELLED');
    expect(codeOf(await refused({ meetupId: randomUUID() }))).toBe('MEETUP_NOT_FOUND');
    expect(codeOf(await refused({ meetupId: full }))).toBe('SOLD_OUT');
    for (const quantity of [0, 11]) expect(codeOf(await refused({ quantity }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await refused({ paymentToken: 'tok ok' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await refused({ quantity: 1 }, {}))).toBe('UNAUTHENTICATED');
    const appended = [];
    for await (const resolved of app.client.readAll({ fromPosition: { commit: before, prepare: before } })) {
      const metadata = resolved.event!.metadata as { correlationId?: string };
      if (metadata.correlationId === correlationId) appended.push(resolved.event!.type);
    }
    expect(appended).toEqual([]);
  });

  it('lets the buyer cancel a pending order, and no one else', async () => {
    const { id } = (await place(buyer, { paymentToken: 'tok_timeout' })).data!.placeOrder;
    expect(codeOf(await app.gql(CANCEL_ORDER, { input: { orderId: id } }, organiser.headers))).toBe(
      'FORBIDDEN',
    );
    const cancelled = await app.gql(CANCEL_ORDER, { input: { orderId: id } }, buyer.headers);
    expect(cancelled.errors).toBeUndefined();
    const order = (await app.gql(ORDER, { id, at: cancelled.data!.cancelOrder.position }, buyer.headers))
      .data!.order;
    expect(order).toMatchObject({ status: 'CANCELLED', reason: 'CANCELLED_BY_BUYER' });
    expect(codeOf(await app.gql(CANCEL_ORDER, { input: { orderId: randomUUID() } }, buyer.headers))).toBe(
      'ORDER_NOT_FOUND',
    );
  });
});

describe('order fulfilment', () => {
  const app = useTestApp({ ...ADMIN_ENV, PAYMENT_TIMEOUT_MS: '300', ORDER_PAYMENT_TIMEOUT_SECONDS: '600' });
  let organiser: TestUser;
  let buyer: TestUser;

  const MEETUP = `query ($id: ID!) { meetup(id: $id) { seatsAvailable status } }`;
  const schedule = async (capacity: number) => {
    const input = {
      title: 'Fulfilment',
      city: 'Braga',
      startsAt: inDays(9),
      capacity,
      ticketPriceCents: 1000,
    };
    const id = (await app.gql(SCHEDULE, { input }, organiser.headers)).data!.scheduleMeetup.id as string;
    await app.gql(PUBLISH, { input: { meetupId: id } }, organiser.headers);
    return id;
  };
  const place = async (meetupId: string, paymentToken: string, quantity = 2) => {
    const placed = await app.gql(PLACE, { input: { meetupId, quantity, paymentToken } }, buyer.headers);
    if (placed.errors) throw new Error(JSON.stringify(placed.errors));
    return placed.data!.placeOrder.id as string;
  };
  /** The order once it has ended, confirmed or cancelled. */
  const settled = async (id: string) => {
    let order: Record<string, any> | null = null;
    await waitFor(async () => {
      order = (await app.gql(ORDER, { id }, buyer.headers)).data!.order;
      return order !== null && order.status !== 'PENDING';
    }, 10_000);
    return order!;
  };
  const seatsOf = async (meetupId: string) =>
    (await app.gql(MEETUP, { id: meetupId })).data!.meetup.seatsAvailable;

  beforeAll(async () => {
    [organiser, buyer] = await Promise.all([signUp(app, 'ORGANIZER'), signUp(app, 'ATTENDEE')]);
  });

  it('confirms a paid order with its tickets, holding its seats', async () => {
    const meetupId = await schedule(5);
    const order = await settled(await place(meetupId, 'tok_ok'));
    expect(order).toMatchObject({ status: 'CONFIRMED', reason: null });
    expect(order.tickets).toHaveLength(2);
    expect(order.history.map((step: { type: string }) => step.type)).toEqual([
      'OrderPlaced',
      'PaymentAuthorized',
      'OrderConfirmed',
    ]);
    await waitFor(async () => (await seatsOf(meetupId)) === 3);
  });

  it('cancels a declined or unanswered payment and gives the seats back', async () => {
    const meetupId = await schedule(5);
    const declined = await settled(await place(meetupId, 'tok_declined'));
    expect(declined).toMatchObject({ status: 'CANCELLED', reason: 'PAYMENT_DECLINED' });
    const timedOut = await settled(await place(meetupId, 'tok_timeout'));
    expect(timedOut).toMatchObject({ status: 'CANCELLED', reason: 'PAYMENT_TIMEOUT' });
    await waitFor(async () => (await seatsOf(meetupId)) === 5);
  });

  it('never oversells: of two orders for the last seats, one is refused as sold out', async () => {
    const meetupId = await schedule(2);
    const [a, b] = await Promise.all([place(meetupId, 'tok_ok'), place(meetupId, 'tok_ok')]);
    const orders = await Promise.all([settled(a), settled(b)]);
    expect(orders.map((o) => o.status).sort()).toEqual(['CANCELLED', 'CONFIRMED']);
    expect(orders.find((o) => o.status === 'CANCELLED')!.reason).toBe('SOLD_OUT');
    await waitFor(async () => (await seatsOf(meetupId)) === 0);
  });

  it('shows the organiser, and only them, what was sold', async () => {
    const meetupId = await schedule(5);
    expect((await settled(await place(meetupId, 'tok_ok'))).status).toBe('CONFIRMED');
    const pending = await place(meetupId, 'tok_timeout', 1);
    const SALES = `query ($id: ID!) { meetupSales(meetupId: $id) { seatsSold seatsReserved seatsAvailable revenueCents } }`;
    await waitFor(async () => {
      const sales = (await app.gql(SALES, { id: meetupId }, organiser.headers)).data!.meetupSales;
      return sales?.seatsReserved === 1;
    });
    expect((await app.gql(SALES, { id: meetupId }, organiser.headers)).data!.meetupSales).toEqual({
      seatsSold: 2,
      seatsReserved: 1,
      seatsAvailable: 2,
      revenueCents: 2000,
    });
    expect(codeOf(await app.gql(SALES, { id: meetupId }, buyer.headers))).toBe('FORBIDDEN');
    await settled(pending);
  });

  it('cancels and refunds the orders of a cancelled meetup, and releases their seats', async () => {
    const meetupId = await schedule(5);
    const id = await place(meetupId, 'tok_ok');
    expect((await settled(id)).status).toBe('CONFIRMED');
    await app.gql(CANCEL, { input: { meetupId, reason: 'Storm' } }, organiser.headers);
    await waitFor(async () => {
      const order = (await app.gql(ORDER, { id }, buyer.headers)).data!.order;
      return order.history.some((step: { type: string }) => step.type === 'PaymentRefunded');
    }, 10_000);
    const order = (await app.gql(ORDER, { id }, buyer.headers)).data!.order;
    expect(order).toMatchObject({ status: 'CANCELLED', reason: 'MEETUP_CANCELLED' });
    expect(order.history.filter((step: { type: string }) => step.type === 'PaymentRefunded')).toHaveLength(1);
    await waitFor(async () => (await seatsOf(meetupId)) === 5);
  });

  it('keeps one correlation id across the order, the meetup, the process and the e-mail, in the audit trail', async () => {
    const admin = await logInAsAdmin(app);
    const correlationId = randomUUID();
    const meetupId = await schedule(5);
    const input = { meetupId, quantity: 1, paymentToken: 'tok_ok' };
    const placed = await app.gql(PLACE, { input }, { ...buyer.headers, 'x-correlation-id': correlationId });
    const id = placed.data!.placeOrder.id as string;
    expect((await settled(id)).status).toBe('CONFIRMED');
    const TRAIL = `query ($id: String) { auditEvents(correlationId: $id) { streamId type } }`;
    const trail = async () =>
      (await app.gql(TRAIL, { id: correlationId }, admin.headers)).data!.auditEvents as {
        streamId: string;
        type: string;
      }[];
    await waitFor(async () => (await trail()).some((event) => event.type === 'EmailSent'), 10_000);
    // Beside the record of each command the flow issued.
    const events = (await trail()).filter((event) => event.type !== 'CommandAccepted');
    const types = events.map((event) => event.type);
    // The e-mail goes out beside the process's last steps.
    expect(types.filter((type) => type !== 'EmailSent')).toEqual([
      'OrderPlaced',
      'FulfilmentStarted',
      'SeatsReserved',
      'PaymentRequested',
      'PaymentAuthorized',
      'OrderConfirmed',
      'SeatsSold',
      'FulfilmentEnded',
    ]);
    expect(types.indexOf('EmailSent')).toBeGreaterThan(types.indexOf('OrderConfirmed'));
    const categories = new Set(events.map((event) => event.streamId.split('-')[0]));
    expect([...categories].sort()).toEqual(['email', 'fulfilment', 'meetup', 'order']);
  });

  it('e-mails the buyer once on each confirmation and cancellation, tickets and refund included', async () => {
    const admin = await logInAsAdmin(app);
    const SENT = `query ($to: String) { sentEmails(to: $to, first: 100) { edges { node { subject text } } } }`;
    const sent = async () =>
      (await app.gql(SENT, { to: buyer.email }, admin.headers)).data!.sentEmails.edges.map(
        (e: { node: { subject: string; text: string } }) => e.node,
      ) as { subject: string; text: string }[];
    const meetupId = await schedule(5);
    const id = await place(meetupId, 'tok_ok');
    const { tickets } = await settled(id);
    await app.gql(CANCEL, { input: { meetupId, reason: 'Flood' } }, organiser.headers);
    const about = async () => (await sent()).filter((mail) => mail.text.includes(id));
    await waitFor(async () => (await about()).length === 2, 10_000);
    const [cancellation, confirmation] = await about();
    expect(confirmation.subject).toBe('Your tickets');
    expect(tickets).toHaveLength(2);
    for (const code of tickets) expect(confirmation.text).toContain(code);
    expect(cancellation.subject).toBe('Your order is cancelled');
    expect(cancellation.text).toContain('the meetup was cancelled');
    expect(cancellation.text).toContain('refunded');
  });
});

describe('order expiry', () => {
  it('expires an unpaid order when the app comes back after being stopped past its time', async () => {
    const stores = await openStores();
    const env = { PAYMENT_TIMEOUT_MS: '60000', ORDER_PAYMENT_TIMEOUT_SECONDS: '2' };
    let app = await startTestApp(stores, env);
    const client = eventStoreClient(stores);
    try {
      const [organiser, buyer] = await Promise.all([signUp(app, 'ORGANIZER'), signUp(app, 'ATTENDEE')]);
      const input = {
        title: 'Expiry',
        city: 'Faro',
        startsAt: inDays(9),
        capacity: 5,
        ticketPriceCents: 500,
      };
      const meetupId = (await app.gql(SCHEDULE, { input }, organiser.headers)).data!.scheduleMeetup.id;
      await app.gql(PUBLISH, { input: { meetupId } }, organiser.headers);
      const order = { meetupId, quantity: 1, paymentToken: 'tok_timeout' };
      const id = (await app.gql(PLACE, { input: order }, buyer.headers)).data!.placeOrder.id;
      // Stopped once the process has asked for the payment (which never answers), so that only
      // the durable timer is left to expire the order.
      const steps = async () => (await readAllOf(client, `fulfilment-${id}`)).map((e) => e.type);
      await waitFor(async () => (await steps()).includes('PaymentRequested'));
      const { expiresAt } = (await app.gql(ORDER, { id }, buyer.headers)).data!.order;
      await app.close();
      await waitFor(() => Date.now() > Date.parse(expiresAt) + 200);
      app = await startTestApp(stores, env);
      await waitFor(async () => {
        const found = (await app.gql(ORDER, { id }, buyer.headers)).data?.order;
        return found?.status === 'CANCELLED';
      }, 10_000);
      expect((await app.gql(ORDER, { id }, buyer.headers)).data!.order.reason).toBe('EXPIRED');
    } finally {
      await client.dispose();
      await app.close();
      await stores.close();
    }
  });
});

describe('payments that do not answer', () => {
  const app = useTestApp({ PAYMENT_TIMEOUT_MS: '20000', ORDER_PAYMENT_TIMEOUT_SECONDS: '600' });

  it('hold up no other order', async () => {
    const [organiser, buyer] = await Promise.all([signUp(app, 'ORGANIZER'), signUp(app, 'ATTENDEE')]);
    const meetup = async () => {
      const input = {
        title: 'Side by side',
        city: 'Faro',
        startsAt: inDays(9),
        capacity: 5,
        ticketPriceCents: 500,
      };
      const id = (await app.gql(SCHEDULE, { input }, organiser.headers)).data!.scheduleMeetup.id;
      await app.gql(PUBLISH, { input: { meetupId: id } }, organiser.headers);
      return id;
    };
    const [first, second] = [await meetup(), await meetup()];
    const place = async (meetupId: string, paymentToken: string) =>
      (await app.gql(PLACE, { input: { meetupId, quantity: 1, paymentToken } }, buyer.headers)).data!
        .placeOrder.id as string;
    const silent = await place(first, 'tok_timeout');
    const paid = [await place(first, 'tok_ok'), await place(second, 'tok_ok')];
    const statusOf = async (id: string) => (await app.gql(ORDER, { id }, buyer.headers)).data?.order?.status;
    await waitFor(async () => (await Promise.all(paid.map(statusOf))).every((s) => s === 'CONFIRMED'), 5000);
    expect(await statusOf(silent)).toBe('PENDING');
  });
});

describe('an order that expired while no worker ran', () => {
  it('is cancelled as expired when the worker comes back, and never charged', async () => {
    const stores = await openStores();
    const env = { ORDER_PAYMENT_TIMEOUT_SECONDS: '1', PAYMENT_TIMEOUT_MS: '1000' };
    const api = await startTestApp(stores, { ...env, ROLE: 'api' });
    let worker = await startTestApp(stores, { ...env, ROLE: 'worker' });
    const mongo = await MongoClient.connect(stores.mongoUrl);
    try {
      const [organiser, buyer] = await Promise.all([signUp(api, 'ORGANIZER'), signUp(api, 'ATTENDEE')]);
      const input = {
        title: 'Late worker',
        city: 'Faro',
        startsAt: inDays(9),
        capacity: 5,
        ticketPriceCents: 500,
      };
      const meetupId = (await api.gql(SCHEDULE, { input }, organiser.headers)).data!.scheduleMeetup.id;
      await api.gql(PUBLISH, { input: { meetupId } }, organiser.headers);
      await worker.close();
      const order = { meetupId, quantity: 1, paymentToken: 'tok_ok' };
      const placedAt = Date.now();
      const id = (await api.gql(PLACE, { input: order }, buyer.headers)).data!.placeOrder.id;
      // Past its expiry (ORDER_PAYMENT_TIMEOUT_SECONDS) before any worker sees it.
      await waitFor(() => Date.now() > placedAt + 1200);
      worker = await startTestApp(stores, { ...env, ROLE: 'worker' });
      await waitFor(
        async () => (await api.gql(ORDER, { id }, buyer.headers)).data?.order?.status === 'CANCELLED',
      );
      expect((await api.gql(ORDER, { id }, buyer.headers)).data!.order.reason).toBe('EXPIRED');
      const charges = await mongo.db(stores.mongoDatabase).collection('fake_payments').countDocuments();
      expect(charges).toBe(0);
    } finally {
      await mongo.close();
      await worker.close();
      await api.close();
      await stores.close();
    }
  }, 30_000);
});

describe('ordering under load', () => {
  const app = useTestApp();

  it('sells 50 seats to exactly 50 of 200 concurrent single-seat orders, and every view agrees', async () => {
    const [organiser, buyer] = await Promise.all([signUp(app, 'ORGANIZER'), signUp(app, 'ATTENDEE')]);
    const input = {
      title: 'Popular',
      city: 'Lisbon',
      startsAt: inDays(9),
      capacity: 50,
      ticketPriceCents: 700,
    };
    const meetupId = (await app.gql(SCHEDULE, { input }, organiser.headers)).data!.scheduleMeetup.id;
    await app.gql(PUBLISH, { input: { meetupId } }, organiser.headers);

    const responses = await Promise.all(
      Array.from({ length: 200 }, () =>
        app.gql(PLACE, { input: { meetupId, quantity: 1, paymentToken: 'tok_ok' } }, buyer.headers),
      ),
    );
    // Refused at once when the meetup already looked full, or placed and settled by the process.
    const refused = responses.filter((r) => codeOf(r) === 'SOLD_OUT').length;
    const ids: string[] = responses.flatMap((r) => (r.errors ? [] : [r.data!.placeOrder.id]));
    expect(refused + ids.length).toBe(200);

    const statuses = new Map<string, { status: string; reason: string | null }>();
    await waitFor(async () => {
      for (const id of ids) {
        if (statuses.has(id)) continue;
        const order = (await app.gql(ORDER, { id }, buyer.headers)).data!.order;
        if (order && order.status !== 'PENDING') statuses.set(id, order);
      }
      return statuses.size === ids.length;
    }, 60_000);
    const orders = [...statuses.values()];
    expect(orders.filter((o) => o.status === 'CONFIRMED')).toHaveLength(50);
    const cancelled = orders.filter((o) => o.status === 'CANCELLED');
    expect(cancelled.every((o) => o.reason === 'SOLD_OUT')).toBe(true);
    expect(cancelled.length + refused).toBe(150);

    await waitFor(async () => {
      const meetup = (
        await app.gql(`query ($id: ID!) { meetup(id: $id) { seatsAvailable } }`, { id: meetupId })
      ).data!.meetup;
      return meetup.seatsAvailable === 0;
    });
    const stream = await readAllOf(app.client, `meetup-${meetupId}`);
    expect(stream.filter((e) => e.type === 'SeatsReserved')).toHaveLength(50);
    expect(stream.filter((e) => e.type === 'SeatsReleased')).toHaveLength(0);
  }, 120_000);
});
