import { journalEntries, orderEvents, orders, payments, stripeEvents } from '@cgp/db';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../server';
import {
  bookSlot,
  createPaymentTestDeps,
  postWebhook,
  serveWithPayments,
  submitCheckoutPage,
  tokenFor,
  trpcOverHttp,
  type PaymentTestDeps,
} from '../../testing';

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

async function bookedOrder() {
  const { service, resident, owner } = await deps.factories.createMarketplace();
  const slot = await deps.factories.createSlot({ serviceId: service.id });
  const order = await bookSlot(deps, resident.id, slot.id, { quantity: 2 });
  return { order, resident, owner, token: await tokenFor(deps, resident.id) };
}

const checkout = (token: string, orderId: string) =>
  trpcOverHttp<{ url: string }>(api.url, token, 'payment.checkout', { orderId });

async function orderRow(id: string) {
  const [row] = await deps.db.select().from(orders).where(eq(orders.id, id));
  return row!;
}

/** What a replay or a forged event could change: nothing of it may move. */
async function footprint(orderId: string) {
  const n = async (q: Promise<{ n: number }[]>) => (await q)[0]!.n;
  return {
    order: await orderRow(orderId),
    events: await n(
      deps.db.select({ n: count() }).from(orderEvents).where(eq(orderEvents.orderId, orderId)),
    ),
    entries: await n(
      deps.db
        .select({ n: count() })
        .from(journalEntries)
        .where(eq(journalEntries.orderId, orderId)),
    ),
    stored: await n(deps.db.select({ n: count() }).from(stripeEvents)),
  };
}

describe('payment.checkout and the webhook, over HTTP', () => {
  it('pays an order: checkout → hosted page → verified webhook → paid, with its ledger entry', async () => {
    const { order, token } = await bookedOrder();
    const first = await checkout(token, order.id);
    expect(first.status).toBe(200);
    const url = first.data!.url;

    const [attempt] = await deps.db.select().from(payments).where(eq(payments.orderId, order.id));
    const session = await deps.payments.stripe.checkout.sessions.retrieve(
      attempt!.checkoutSessionId,
      { expand: ['line_items'] },
    );
    expect(session).toMatchObject({
      amount_total: order.totalFen,
      currency: 'cny',
      payment_method_types: ['card', 'alipay', 'wechat_pay'],
      metadata: { order_id: order.id },
      client_reference_id: order.id,
      success_url: `${deps.env.PUBLIC_URL}/orders/${order.id}?paid=1`,
      cancel_url: `${deps.env.PUBLIC_URL}/orders/${order.id}`,
    });
    expect(session.line_items!.data[0]!.description).toContain('日常保洁');
    // A second tab (or a retry) gets the same session, not a second way to pay.
    expect((await checkout(token, order.id)).data!.url).toBe(url);

    const paid = await submitCheckoutPage(url, 'succeeded', 'wechat_pay');
    expect(paid.body.outcome).toBe('succeeded');
    await deps.sandbox.waitForWebhooks();

    const after = await orderRow(order.id);
    expect(after.status).toBe('paid');
    expect(after.paidAt).not.toBeNull();
    const [row] = await deps.db.select().from(payments).where(eq(payments.orderId, order.id));
    expect(row).toMatchObject({
      status: 'succeeded',
      paymentIntentId: paid.body.payment_intent!.id,
      // How the resident paid, from the charge's payment_method_details.
      paymentMethodType: 'wechat_pay',
    });
    const intent = await deps.payments.stripe.paymentIntents.retrieve(row!.paymentIntentId!);
    expect(intent).toMatchObject({ transfer_group: order.id, metadata: { order_id: order.id } });
    const entries = await deps.db
      .select()
      .from(journalEntries)
      .where(eq(journalEntries.orderId, order.id));
    expect(entries.map((e) => e.kind)).toEqual(['payment']);

    // Once paid, there is nothing left to check out.
    const again = await checkout(token, order.id);
    expect(again.error?.data).toMatchObject({ code: 'CONFLICT', reason: 'not_payable' });
  });

  it('changes nothing when a stored event is sent again with a fresh, valid signature', async () => {
    const { order, token } = await bookedOrder();
    await submitCheckoutPage((await checkout(token, order.id)).data!.url, 'succeeded');
    await deps.sandbox.waitForWebhooks();
    const before = await footprint(order.id);
    const stored = await deps.db.select().from(stripeEvents);
    const completed = stored.find(
      (e) =>
        e.type === 'checkout.session.completed' && JSON.stringify(e.payload).includes(order.id),
    );

    const replay = await postWebhook(deps, api.url, completed!.payload);
    expect(replay).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    expect(await footprint(order.id)).toEqual(before);
  });

  it('refuses a bad, stale or tampered signature with 400 and writes nothing', async () => {
    const { order, token } = await bookedOrder();
    await checkout(token, order.id);
    const before = await footprint(order.id);
    const forged = {
      id: 'evt_forged_1',
      object: 'event',
      type: 'payment_intent.succeeded',
      data: {
        object: { id: 'pi_forged', object: 'payment_intent', metadata: { order_id: order.id } },
      },
    };
    const wrongKey = await postWebhook(deps, api.url, forged, { secret: 'whsec_not_ours' });
    expect(wrongKey.status).toBe(400);
    // Signed six minutes ago: past Stripe's five-minute tolerance.
    const stale = await postWebhook(deps, api.url, forged, {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(stale.status).toBe(400);
    // Signed properly, then changed on the way: the signature no longer matches the body.
    const tampered = await postWebhook(deps, api.url, forged, {
      tamper: (payload) => payload.replace('pi_forged', 'pi_changed'),
    });
    expect(tampered.status).toBe(400);
    const unsigned = await fetch(`${api.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(forged),
    });
    expect(unsigned.status).toBe(400);
    expect(await footprint(order.id)).toEqual(before);
    expect((await orderRow(order.id)).status).toBe('pending_payment');
  });

  it('keeps the session open after a failed attempt, and the next attempt pays', async () => {
    const { order, token } = await bookedOrder();
    const url = (await checkout(token, order.id)).data!.url;
    expect((await submitCheckoutPage(url, 'failed')).body.outcome).toBe('failed');
    await deps.sandbox.waitForWebhooks();
    const [failed] = await deps.db.select().from(payments).where(eq(payments.orderId, order.id));
    expect(failed!.status).toBe('failed');
    expect((await orderRow(order.id)).status).toBe('pending_payment');

    expect((await checkout(token, order.id)).data!.url).toBe(url);
    await submitCheckoutPage(url, 'succeeded');
    await deps.sandbox.waitForWebhooks();
    expect((await orderRow(order.id)).status).toBe('paid');
    const rows = await deps.db.select().from(payments).where(eq(payments.orderId, order.id));
    expect(rows.map((r) => r.status)).toEqual(['succeeded']);
  });

  it('lets only the resident who booked pay, and only while the order waits for payment', async () => {
    const { order, owner } = await bookedOrder();
    const stranger = await deps.factories.createResident();
    const strangerCall = await checkout(await tokenFor(deps, stranger.id), order.id);
    expect(strangerCall.error?.data.code).toBe('NOT_FOUND');
    const merchantCall = await checkout(await tokenFor(deps, owner.id), order.id);
    expect(merchantCall.error?.data.code).toBe('FORBIDDEN');
    expect((await checkout('', order.id)).error?.data.code).toBe('UNAUTHORIZED');
    const bad = await trpcOverHttp(api.url, await tokenFor(deps, stranger.id), 'payment.checkout', {
      orderId: 'not-a-uuid',
    });
    expect(bad.error?.data.code).toBe('BAD_REQUEST');
    expect(await deps.db.select().from(payments).where(eq(payments.orderId, order.id))).toEqual([]);
  });
});
