import {
  commissionRules,
  journalEntries,
  ledgerPostings,
  merchants,
  orders,
  paymentFindings,
  payments,
  refunds,
  stripeEvents,
} from '@cgp/db';
import { and, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fireOrderTimer } from '../orders/order-timers.service';
import { timersFrom } from '../orders/timers';
import type { ApiServer } from '../../server';
import {
  bookSlot,
  callerFor,
  createPaymentTestDeps,
  forceOrderState,
  postWebhook,
  serveWithPayments,
  submitCheckoutPage,
  tokenFor,
  trpcOverHttp,
  type PaymentTestDeps,
} from '../../testing';
import { expireAbandonedCheckouts } from './expire-checkouts';
import { sendRefund } from './send-refund';

let deps: PaymentTestDeps;
let api: ApiServer & { url: string };

beforeAll(async () => {
  deps = await createPaymentTestDeps();
  api = await serveWithPayments(deps);
});
afterAll(async () => {
  await api?.close();
  await deps?.teardown();
});
// Every test starts with the sandbox delivering every event.
beforeEach(() => deliverOnly(['*']));

function deliverOnly(events: string[]) {
  return deps.sandbox.addWebhookEndpoint({ url: `${api.url}/webhooks/stripe`, events });
}

async function bookAndCheckout() {
  const { service, resident } = await deps.factories.createMarketplace();
  const slot = await deps.factories.createSlot({ serviceId: service.id });
  const order = await bookSlot(deps, resident.id, slot.id);
  const token = await tokenFor(deps, resident.id);
  const { data } = await trpcOverHttp<{ url: string }>(api.url, token, 'payment.checkout', {
    orderId: order.id,
  });
  return { order, resident, url: data!.url };
}

/** The event the sandbox emitted about `objectId`, fetched as a script would. */
async function eventAbout(type: Stripe.Event['type'], objectId: string): Promise<Stripe.Event> {
  const list = await deps.payments.stripe.events.list({ type, limit: 50 });
  const event = list.data.find((e) => (e.data.object as { id?: string }).id === objectId);
  if (!event) throw new Error(`no ${type} about ${objectId}`);
  return event;
}

/** Pays through the hosted page with delivery held back, and returns both reports of it. */
async function paidWithoutDelivery() {
  await deliverOnly(['account.application.authorized']);
  const { order, url } = await bookAndCheckout();
  const { body } = await submitCheckoutPage(url, 'succeeded');
  const intentId = body.payment_intent!.id;
  const [attempt] = await deps.db.select().from(payments).where(eq(payments.orderId, order.id));
  return {
    order,
    intentId,
    intentSucceeded: await eventAbout('payment_intent.succeeded', intentId),
    sessionCompleted: await eventAbout('checkout.session.completed', attempt!.checkoutSessionId),
  };
}

async function orderRow(id: string) {
  return (await deps.db.select().from(orders).where(eq(orders.id, id)))[0]!;
}
const entriesOf = (orderId: string) =>
  deps.db.select().from(journalEntries).where(eq(journalEntries.orderId, orderId));

describe('the two reports of one payment, in any order', () => {
  it('pays on payment_intent.succeeded; the session report that follows changes nothing', async () => {
    const { order, intentId, intentSucceeded, sessionCompleted } = await paidWithoutDelivery();
    expect((await postWebhook(deps, api.url, intentSucceeded)).status).toBe(200);
    const paid = await orderRow(order.id);
    expect(paid.status).toBe('paid');
    const [row] = await deps.db.select().from(payments).where(eq(payments.orderId, order.id));
    expect(row).toMatchObject({ status: 'succeeded', paymentIntentId: intentId });

    expect(await postWebhook(deps, api.url, sessionCompleted)).toMatchObject({
      status: 200,
      body: { duplicate: false },
    });
    expect(await orderRow(order.id)).toEqual(paid);
    expect((await entriesOf(order.id)).map((e) => e.kind)).toEqual(['payment']);
  });

  it('pays on checkout.session.completed; the intent report that follows changes nothing', async () => {
    const { order, intentSucceeded, sessionCompleted } = await paidWithoutDelivery();
    await postWebhook(deps, api.url, sessionCompleted);
    const paid = await orderRow(order.id);
    expect(paid.status).toBe('paid');
    await postWebhook(deps, api.url, intentSucceeded);
    expect(await orderRow(order.id)).toEqual(paid);
    expect(await entriesOf(order.id)).toHaveLength(1);
  });

  it('has one effect from the same event delivered ten times in a row and ten times at once', async () => {
    const { order, sessionCompleted } = await paidWithoutDelivery();
    const inARow = [];
    for (let i = 0; i < 10; i++) inARow.push(await postWebhook(deps, api.url, sessionCompleted));
    const atOnce = await Promise.all(
      Array.from({ length: 10 }, () => postWebhook(deps, api.url, sessionCompleted)),
    );
    expect([...inARow, ...atOnce].map((a) => a.status)).toEqual(Array(20).fill(200));
    expect((await orderRow(order.id)).status).toBe('paid');
    expect((await entriesOf(order.id)).map((e) => e.kind)).toEqual(['payment']);
  });

  it('pays once when both reports arrive at the same moment', async () => {
    const { order, intentSucceeded, sessionCompleted } = await paidWithoutDelivery();
    const answers = await Promise.all([
      postWebhook(deps, api.url, intentSucceeded),
      postWebhook(deps, api.url, sessionCompleted),
      postWebhook(deps, api.url, sessionCompleted),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect((await orderRow(order.id)).status).toBe('paid');
    expect(await entriesOf(order.id)).toHaveLength(1);
  });
});

describe('payments for orders that stopped waiting', () => {
  async function expire(orderId: string) {
    await forceOrderState(deps, orderId, 'pending_payment', { paymentDueInSeconds: -60 });
    expect(await fireOrderTimer(deps.db, 'payment-expiry', orderId, timersFrom(deps.env))).toBe(
      'applied',
    );
  }

  it('refunds a payment that arrives after the order expired, in full, and the order stays expired', async () => {
    const { order, resident, url } = await bookAndCheckout();
    await expire(order.id);

    expect((await submitCheckoutPage(url, 'succeeded')).body.outcome).toBe('succeeded');
    await deps.sandbox.waitForWebhooks();

    const after = await orderRow(order.id);
    expect(after).toMatchObject({ status: 'expired', refundFen: order.totalFen, paidAt: null });
    const [refund] = await deps.db.select().from(refunds).where(eq(refunds.orderId, order.id));
    expect(refund).toMatchObject({
      amountFen: order.totalFen,
      cause: 'late_payment',
      status: 'pending',
    });
    expect((await entriesOf(order.id)).map((e) => e.kind).sort()).toEqual(['payment', 'refund']);
    const view = await (await callerFor(deps, resident.id)).order.get({ id: order.id });
    expect(view.refunds).toEqual([
      expect.objectContaining({ amountFen: order.totalFen, cause: 'late_payment' }),
    ]);

    // What the refund job does with it: the whole payment goes back through the processor.
    expect(await sendRefund(deps, refund!.id)).toEqual({ outcome: 'refunded' });
    const [attempt] = await deps.db.select().from(payments).where(eq(payments.orderId, order.id));
    const back = await deps.payments.stripe.refunds.list({
      payment_intent: attempt!.paymentIntentId!,
    });
    expect(back.data.map((r) => r.amount)).toEqual([order.totalFen]);
    expect(await sendRefund(deps, refund!.id)).toEqual({ outcome: 'already_refunded' });
  });

  it('learns from charge.refunded that a refund went through, when the worker never recorded it', async () => {
    const { order, url } = await bookAndCheckout();
    await expire(order.id);
    const { body } = await submitCheckoutPage(url, 'succeeded');
    await deps.sandbox.waitForWebhooks();
    const [refund] = await deps.db.select().from(refunds).where(eq(refunds.orderId, order.id));

    // As if a worker made the call and died before writing down the answer.
    await deliverOnly(['charge.refunded']);
    const made = await deps.payments.stripe.refunds.create(
      {
        payment_intent: body.payment_intent!.id,
        amount: refund!.amountFen,
        metadata: { refund_id: refund!.id, order_id: order.id },
      },
      { idempotencyKey: `refund_${refund!.id}` },
    );
    await deps.sandbox.waitForWebhooks();
    const [after] = await deps.db.select().from(refunds).where(eq(refunds.id, refund!.id));
    expect(after).toMatchObject({ status: 'succeeded', stripeRefundId: made.id });
    expect(await sendRefund(deps, refund!.id)).toEqual({ outcome: 'already_refunded' });
  });

  it('expires the open session of an expired order, so it can no longer be paid', async () => {
    const { order, url } = await bookAndCheckout();
    await expire(order.id);

    expect(await expireAbandonedCheckouts(deps)).toBe(1);
    const [row] = await deps.db.select().from(payments).where(eq(payments.orderId, order.id));
    expect(row!.status).toBe('expired');
    const session = await deps.payments.stripe.checkout.sessions.retrieve(row!.checkoutSessionId);
    expect(session.status).toBe('expired');
    expect((await submitCheckoutPage(url, 'succeeded')).body.outcome).toBe('expired');
    expect(await expireAbandonedCheckouts(deps)).toBe(0);
    await deps.sandbox.waitForWebhooks();
    expect(await deps.db.select().from(refunds).where(eq(refunds.orderId, order.id))).toEqual([]);
  });
});

describe('other events', () => {
  it('stores events it has no use for and answers 200', async () => {
    const event = {
      id: 'evt_unused_1',
      object: 'event',
      type: 'balance.available',
      created: Math.floor(Date.now() / 1000),
      data: { object: { object: 'balance' } },
    };
    expect((await postWebhook(deps, api.url, event)).status).toBe(200);
    const [stored] = await deps.db
      .select()
      .from(stripeEvents)
      .where(eq(stripeEvents.id, 'evt_unused_1'));
    expect(stored!.type).toBe('balance.available');
  });

  it('ignores payment events about objects that are not ours', async () => {
    const event = {
      id: 'evt_foreign_1',
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_foreign', object: 'payment_intent', metadata: {} } },
    };
    expect((await postWebhook(deps, api.url, event)).status).toBe(200);
  });
});

describe('payments checked against their order', () => {
  it('takes a signed report of the wrong amount as a finding, not as the payment', async () => {
    const { order, intentId, sessionCompleted } = await paidWithoutDelivery();
    const forged = structuredClone(sessionCompleted) as Stripe.CheckoutSessionCompletedEvent;
    forged.id = `${sessionCompleted.id}_amount1`;
    forged.data.object.amount_total = 1;
    expect((await postWebhook(deps, api.url, forged)).status).toBe(200);
    expect((await orderRow(order.id)).status).toBe('pending_payment');
    expect(await entriesOf(order.id)).toEqual([]);
    const findings = await deps.db
      .select()
      .from(paymentFindings)
      .where(eq(paymentFindings.orderId, order.id));
    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'payment_amount',
        paymentIntentId: intentId,
        expected: String(order.totalFen),
        actual: '1',
      }),
    ]);
    // The processor's own report of the same payment matches, and pays the order.
    await postWebhook(deps, api.url, sessionCompleted);
    expect((await orderRow(order.id)).status).toBe('paid');
  });

  it('freezes the commission in force when the payment was created, however late the report', async () => {
    const { order, sessionCompleted } = await paidWithoutDelivery();
    const [merchant] = await deps.db
      .select()
      .from(merchants)
      .where(eq(merchants.id, order.merchantId));
    // A rule that came into force after the resident paid, before the webhook arrived.
    await deps.db.insert(commissionRules).values({
      companyId: merchant!.companyId,
      merchantId: merchant!.id,
      platformBps: 1_000,
      effectiveFrom: new Date(Date.now() + 1_000),
    });
    await new Promise((r) => setTimeout(r, 1_100));
    await postWebhook(deps, api.url, sessionCompleted);
    expect(await orderRow(order.id)).toMatchObject({ status: 'paid', platformBps: 3_000 });
  });

  it('refunds a second payment of a paid order automatically, through the processor, once', async () => {
    const { order, url } = await bookAndCheckout();
    await submitCheckoutPage(url, 'succeeded');
    await deps.sandbox.waitForWebhooks();
    expect((await orderRow(order.id)).status).toBe('paid');

    // A second session for the same order, paid too (a second tab, a replayed link).
    const second = await deps.payments.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: 'cny',
            unit_amount: order.totalFen,
            product_data: { name: 'again' },
          },
        },
      ],
      metadata: { order_id: order.id },
      payment_intent_data: { metadata: { order_id: order.id } },
      client_reference_id: order.id,
      success_url: 'http://localhost/ok',
    });
    const { body } = await submitCheckoutPage(second.url!, 'succeeded');
    await deps.sandbox.waitForWebhooks();
    const secondIntent = body.payment_intent!.id;

    const after = await orderRow(order.id);
    expect(after).toMatchObject({ status: 'paid', refundFen: 0 });
    const [refund] = await deps.db.select().from(refunds).where(eq(refunds.orderId, order.id));
    expect(refund).toMatchObject({
      cause: 'duplicate_payment',
      amountFen: order.totalFen,
      paymentIntentId: secondIntent,
    });
    expect(await sendRefund(deps, refund!.id)).toEqual({ outcome: 'refunded' });
    expect(await sendRefund(deps, refund!.id)).toEqual({ outcome: 'already_refunded' });
    const back = await deps.payments.stripe.refunds.list({ payment_intent: secondIntent });
    expect(back.data.map((r) => r.amount)).toEqual([order.totalFen]);
    const firstIntent = (
      await deps.db.select().from(payments).where(eq(payments.orderId, order.id))
    )
      .map((p) => p.paymentIntentId)
      .find((id) => id !== secondIntent)!;
    expect((await deps.payments.stripe.refunds.list({ payment_intent: firstIntent })).data).toEqual(
      [],
    );
    const cash = await deps.db
      .select({ amountFen: ledgerPostings.amountFen })
      .from(ledgerPostings)
      .where(and(eq(ledgerPostings.orderId, order.id), eq(ledgerPostings.account, 'cash:stripe')));
    expect(cash.reduce((s, p) => s + p.amountFen, 0)).toBe(order.totalFen);
  });
});
