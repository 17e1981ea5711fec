import { setTimeout as sleep } from 'node:timers/promises';
import { EventStoreDBClient } from '@eventstore/db-client';
import { MongoClient } from 'mongodb';
import { eventStoreClient, openStores, startTestApp, TestApp, TestStores } from '../support/app';
import { signUp, TestUser } from '../support/identity';
import { CANCEL, inDays, PUBLISH, SCHEDULE } from '../support/meetup-operations';
import { AnyRecordedEvent, readAllOf } from '../support/read';
import { startWorkerProcess, WorkerProcess } from '../support/worker-process';

const PLACE = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`;
const CANCEL_ORDER = `mutation ($input: CancelOrderInput!) { cancelOrder(input: $input) { id } }`;
const SALES = `query ($id: ID!, $at: String) {
  meetupSales(meetupId: $id, consistentWith: $at) { seatsSold seatsReserved seatsAvailable revenueCents }
}`;
const SEATS = `query ($id: ID!, $at: String) { meetup(id: $id, consistentWith: $at) { seatsAvailable } }`;

/** What each order does, by its index: most pay, some are declined, time out or are given up. */
const TOKENS = ['tok_ok', 'tok_ok', 'tok_ok', 'tok_ok', 'tok_ok', 'tok_ok', 'tok_declined', 'tok_timeout'];

interface PlacedOrder {
  id: string;
  meetupId: string;
  quantity: number;
}

const count = <T>(items: T[], pick: (item: T) => boolean) => items.filter(pick).length;

describe('order fulfilment with its worker killed at random points', () => {
  let stores: TestStores;
  let api: TestApp;
  let worker: WorkerProcess;
  let client: EventStoreDBClient;
  let mongo: MongoClient;

  beforeAll(async () => {
    stores = await openStores();
    // A restarted worker takes its consumers back once the killed one's leases expire: soon.
    const env = { PAYMENT_TIMEOUT_MS: '300', ORDER_PAYMENT_TIMEOUT_SECONDS: '600', LEASE_TTL_SECONDS: '1' };
    worker = await startWorkerProcess(stores, env);
    api = await startTestApp(stores, { ...env, ROLE: 'api' });
    client = eventStoreClient(stores);
    mongo = await MongoClient.connect(stores.mongoUrl);
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await mongo?.close();
    await client?.dispose();
    await api?.close();
    await stores?.close();
  });

  it('ends every one of 100 orders confirmed or cancelled, with no seat leaked and no effect twice', async () => {
    const [organiser, ...buyers] = await Promise.all([
      signUp(api, 'ORGANIZER'),
      signUp(api, 'ATTENDEE'),
      signUp(api, 'ATTENDEE'),
    ]);
    const schedule = async (capacity: number) => {
      const input = {
        title: 'Crash night',
        city: 'Oslo',
        startsAt: inDays(5),
        capacity,
        ticketPriceCents: 900,
      };
      const id = (await api.gql(SCHEDULE, { input }, organiser.headers)).data!.scheduleMeetup.id as string;
      await api.gql(PUBLISH, { input: { meetupId: id } }, organiser.headers);
      return id;
    };
    // More demand than seats on the first; the second is cancelled while its orders are under way.
    const popular = await schedule(60);
    const doomed = await schedule(100);

    let killing = true;
    let kills = 0;
    const killer = (async () => {
      while (killing) {
        await sleep(300 + Math.random() * 1200);
        if (!killing) break;
        await worker.kill();
        kills++;
        await worker.restart();
      }
    })();

    const orders: PlacedOrder[] = [];
    const place = async (index: number) => {
      const buyer: TestUser = buyers[index % buyers.length];
      const meetupId = index % 5 === 4 ? doomed : popular;
      const quantity = 1 + (index % 2);
      const input = { meetupId, quantity, paymentToken: TOKENS[index % TOKENS.length] };
      const placed = await api.gql(PLACE, { input }, buyer.headers);
      if (placed.errors) {
        expect(['SOLD_OUT', 'MEETUP_CANCELLED']).toContain(placed.errors[0].extensions?.code);
        return;
      }
      const id = placed.data!.placeOrder.id as string;
      orders.push({ id, meetupId, quantity });
      // Some buyers change their minds at once: the process may be at any step by then.
      if (index % 9 === 3) await api.gql(CANCEL_ORDER, { input: { orderId: id } }, buyer.headers);
    };
    for (let lane = 0; lane < 100; lane += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => place(lane + i)));
      if (lane === 50)
        await api.gql(CANCEL, { input: { meetupId: doomed, reason: 'Storm' } }, organiser.headers);
    }

    // Every order ends, whatever the worker was doing when it was killed.
    const ends = new Map<string, AnyRecordedEvent[]>();
    const deadline = performance.now() + 90_000;
    while (ends.size < orders.length && performance.now() < deadline) {
      for (const order of orders) {
        if (ends.has(order.id)) continue;
        const events = await readAllOf(client, `order-${order.id}`);
        const last = events.filter((e) => e.type === 'OrderConfirmed' || e.type === 'OrderCancelled').at(-1);
        // A confirmed order of the cancelled meetup ends only once it is cancelled too.
        if (last && (last.type === 'OrderCancelled' || order.meetupId === popular))
          ends.set(order.id, events);
      }
      if (ends.size < orders.length) await sleep(250);
    }
    killing = false;
    await killer;
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(ends.size).toBe(orders.length);
    const settledAt = await waitForQuiet();

    const streams = new Map<string, AnyRecordedEvent[]>();
    for (const order of orders) streams.set(order.id, await readAllOf(client, `order-${order.id}`));
    const ofType = (events: AnyRecordedEvent[], type: string) => count(events, (e) => e.type === type);
    // Confirmed and kept: a confirmed order of the cancelled meetup was cancelled after.
    const confirmed = orders.filter((o) => ofType(streams.get(o.id)!, 'OrderCancelled') === 0);
    for (const order of orders) {
      const events = streams.get(order.id)!;
      expect(ofType(events, 'OrderPlaced')).toBe(1);
      expect(ofType(events, 'PaymentAuthorized')).toBeLessThanOrEqual(1);
      expect(ofType(events, 'OrderConfirmed')).toBeLessThanOrEqual(1);
      expect(ofType(events, 'OrderCancelled')).toBeLessThanOrEqual(1);
      expect(ofType(events, 'PaymentRefunded')).toBeLessThanOrEqual(1);
      expect(ofType(events, 'OrderConfirmed') + ofType(events, 'OrderCancelled')).toBeGreaterThanOrEqual(1);
    }
    expect(confirmed.length).toBeGreaterThan(0);
    expect(confirmed.every((o) => o.meetupId === popular)).toBe(true);

    // Seats: none held any more; sold exactly what the confirmed orders bought; each step once.
    for (const meetupId of [popular, doomed]) {
      const events = await readAllOf(client, `meetup-${meetupId}`);
      const seatEvents = events.filter((e) => e.type.startsWith('Seats'));
      const perOrder = new Map<string, string[]>();
      for (const event of seatEvents) {
        const { orderId } = event.data as { orderId: string };
        perOrder.set(orderId, [...(perOrder.get(orderId) ?? []), event.type]);
      }
      for (const steps of perOrder.values()) {
        for (const type of ['SeatsReserved', 'SeatsSold', 'SeatsReleased']) {
          expect(count(steps, (t) => t === type)).toBeLessThanOrEqual(1);
        }
      }
      const sum = (type: string) =>
        seatEvents
          .filter((e) => e.type === type)
          .reduce((total, e) => total + (e.data as { quantity: number }).quantity, 0);
      const soldSeats = confirmed.filter((o) => o.meetupId === meetupId).reduce((n, o) => n + o.quantity, 0);
      const held = sum('SeatsReserved') - sum('SeatsSold') - releasedOf(seatEvents, false);
      const sold = sum('SeatsSold') - releasedOf(seatEvents, true);
      expect({ meetupId, held, sold }).toEqual({ meetupId, held: 0, sold: soldSeats });

      const sales = (await api.gql(SALES, { id: meetupId, at: settledAt }, organiser.headers)).data!
        .meetupSales;
      expect(sales).toMatchObject({ seatsSold: soldSeats, seatsReserved: 0, revenueCents: soldSeats * 900 });
      const catalogue = (await api.gql(SEATS, { id: meetupId, at: settledAt })).data!.meetup;
      expect(catalogue.seatsAvailable).toBe(meetupId === popular ? 60 - soldSeats : 100);
    }

    // Payments: one charge per paid order, one refund per paid order that did not keep its tickets.
    const payments = await mongo.db(stores.mongoDatabase).collection('fake_payments').find().toArray();
    const paid = orders.filter((o) => ofType(streams.get(o.id)!, 'PaymentAuthorized') === 1);
    const charged = payments.filter((p) => p.kind === 'charge').map((p) => p.idempotencyKey as string);
    expect(charged.sort()).toEqual(paid.map((o) => `authorize/${o.id}`).sort());
    const refunded = payments.filter((p) => p.kind === 'refund').map((p) => p.idempotencyKey as string);
    const givenBack = paid.filter((o) => !confirmed.includes(o));
    expect(refunded.sort()).toEqual(givenBack.map((o) => `refund/${o.id}`).sort());
    for (const order of givenBack) expect(ofType(streams.get(order.id)!, 'PaymentRefunded')).toBe(1);

    // E-mails: each ending e-mailed once, and journalled once.
    const emails = await mongo.db(stores.mongoDatabase).collection('sent_emails').find().toArray();
    const byEvent = new Map<string, number>();
    for (const email of emails)
      byEvent.set(email.eventId as string, (byEvent.get(email.eventId as string) ?? 0) + 1);
    for (const order of orders) {
      for (const end of streams
        .get(order.id)!
        .filter((e) => e.type === 'OrderConfirmed' || e.type === 'OrderCancelled')) {
        expect({ order: order.id, type: end.type, emails: byEvent.get(end.id) }).toEqual({
          order: order.id,
          type: end.type,
          emails: 1,
        });
      }
    }
    const journal = new Map<string, number>();
    for await (const resolved of client.readAll()) {
      if (resolved.event?.type !== 'EmailSent') continue;
      const { messageId } = resolved.event.data as { messageId: string };
      journal.set(messageId, (journal.get(messageId) ?? 0) + 1);
    }
    for (const email of emails) expect(journal.get(email._id as unknown as string)).toBe(1);
  }, 240_000);

  /**
   * Waits (bounded) until the worker has nothing left to do: no new event for two seconds. The
   * head it settled at, for queries to wait on their read models.
   */
  async function waitForQuiet(): Promise<string> {
    let last = '';
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      let head = '';
      for await (const resolved of client.readAll({
        direction: 'backwards',
        fromPosition: 'end',
        maxCount: 1,
      })) {
        head = String(resolved.event!.position.commit);
      }
      if (head === last) return head;
      last = head;
      await sleep(2000);
    }
    throw new Error('the worker was still appending after 60 s');
  }
});

/** Seats given back, of held (false) or of sold (true) orders. */
function releasedOf(events: AnyRecordedEvent[], sold: boolean): number {
  return events
    .filter((e) => e.type === 'SeatsReleased' && (e.data as { sold: boolean }).sold === sold)
    .reduce((total, e) => total + (e.data as { quantity: number }).quantity, 0);
}
