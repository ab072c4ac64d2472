import { checkInvariants, type ApiServer } from '@cgp/api';
import {
  bookSlot,
  callerFor,
  orderSlotStartsIn,
  createPaymentTestDeps,
  payOrder,
  serveWithPayments,
  submitCheckoutPage,
  tokenFor,
  trpcOverHttp,
  type PaymentTestDeps,
} from '@cgp/api/testing';
import { journalEntries, ledgerPostings, orders, outbox, payments, refunds } from '@cgp/db';
import { asc, eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startJobs, type Jobs } from './start';

let deps: PaymentTestDeps;
let api: ApiServer & { url: string };
let jobs: Jobs;

beforeAll(async () => {
  // Long timers: only the refunds under test move these orders.
  deps = await createPaymentTestDeps({ OUTBOX_POLL_MS: '100', ACCEPT_SLA_SECONDS: '900' });
  api = await serveWithPayments(deps);
  jobs = await startJobs(deps);
});
afterEach(() => deps.sandbox.faults.clear());
afterAll(async () => {
  await jobs?.close();
  await api?.close();
  await deps?.teardown();
});

/** A booked order paid through Checkout and its webhook, as a resident pays. */
async function paidOrder() {
  const { service, resident, owner, community } = await deps.factories.createMarketplace();
  const slot = await deps.factories.createSlot({ serviceId: service.id });
  const order = await bookSlot(deps, resident.id, slot.id, { quantity: 2 });
  const token = await tokenFor(deps, resident.id);
  const { data } = await trpcOverHttp<{ url: string }>(api.url, token, 'payment.checkout', {
    orderId: order.id,
  });
  const { body } = await submitCheckoutPage(data!.url, 'succeeded');
  await deps.sandbox.waitForWebhooks();
  return {
    order,
    resident,
    owner,
    companyId: community.companyId,
    intentId: body.payment_intent!.id,
  };
}

async function reject(ownerId: string, orderId: string) {
  const merchant = await callerFor(deps, ownerId);
  await merchant.merchant.orders.reject({ id: orderId, reason: '今天人手不足' });
}

/** The order's refund once the worker is done with it (no longer pending), on `attempt` at least. */
async function settledRefund(orderId: string, timeoutMs = 15_000, attempt = 1) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [refund] = await deps.db.select().from(refunds).where(eq(refunds.orderId, orderId));
    if (refund && refund.status !== 'pending' && refund.attempt >= attempt) return refund;
    if (Date.now() > deadline) throw new Error(`refund of ${orderId} still ${refund?.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What became of the refund's job in BullMQ (it is keyed by its outbox row). */
async function refundJobState(refundId: string) {
  const [row] = await deps.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(sql`${outbox.name} = 'refund' AND ${outbox.payload}->>'refundId' = ${refundId}`);
  const job = await jobs.queueFor('payments').getJob(row!.id);
  return { state: await job!.getState(), attempts: job!.attemptsMade };
}

/** A chargeback on the order's payment, as the card network opens one: refunds are refused. */
async function openDispute(intentId: string) {
  const intent = await deps.payments.stripe.paymentIntents.retrieve(intentId);
  const dispute = (await deps.payments.stripe.rawRequest(
    'POST',
    `/v1/test_helpers/charges/${intent.latest_charge as string}/dispute`,
    {},
  )) as Stripe.Response<Stripe.Dispute>;
  // The platform has heard of it (and holds what a chargeback holds) before the test goes on.
  await deps.sandbox.waitForWebhooks();
  return dispute;
}

/** The refund's journal entries in order, with what each moved in clearing and in cash. */
async function refundEntries(refundId: string) {
  const rows = await deps.db
    .select({
      id: journalEntries.id,
      phase: journalEntries.phase,
      account: ledgerPostings.account,
      amountFen: ledgerPostings.amountFen,
    })
    .from(journalEntries)
    .innerJoin(ledgerPostings, eq(ledgerPostings.entryId, journalEntries.id))
    .where(eq(journalEntries.refundId, refundId))
    .orderBy(asc(journalEntries.createdAt), asc(ledgerPostings.id));
  const entries = new Map<string, { phase: string; clearing: number; cash: number }>();
  for (const r of rows) {
    const e = entries.get(r.id) ?? { phase: r.phase, clearing: 0, cash: 0 };
    if (r.account === 'clearing:refunds') e.clearing += r.amountFen;
    if (r.account === 'cash:stripe') e.cash += r.amountFen;
    entries.set(r.id, e);
  }
  return [...entries.values()];
}

const processorRefunds = async (intentId: string) =>
  (await deps.payments.stripe.refunds.list({ payment_intent: intentId, limit: 100 })).data;

describe('the refund worker', () => {
  it('refunds a rejected order in full through the Refunds API, once', async () => {
    const { order, resident, owner, intentId } = await paidOrder();
    await reject(owner.id, order.id);

    const refund = await settledRefund(order.id);
    expect(refund).toMatchObject({ status: 'succeeded', amountFen: order.totalFen });
    const made = await processorRefunds(intentId);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      id: refund.stripeRefundId,
      amount: order.totalFen,
      metadata: { refund_id: refund.id, order_id: order.id },
    });
    const view = await (await callerFor(deps, resident.id)).order.get({ id: order.id });
    expect(view.refunds).toEqual([
      expect.objectContaining({ id: refund.id, status: 'succeeded', cause: 'reject' }),
    ]);
    // Reserved when decided, taken from cash when the processor confirmed it.
    expect(await refundEntries(refund.id)).toEqual([
      { phase: 'pending', clearing: -order.totalFen, cash: 0 },
      { phase: 'post', clearing: order.totalFen, cash: -order.totalFen },
    ]);
    expect(await checkInvariants(deps.db)).toMatchObject({ ok: true });
  });

  it('makes exactly one refund when the answer is lost after Stripe committed it', async () => {
    const { order, owner, intentId } = await paidOrder();
    deps.sandbox.faults.inject({ kind: 'drop_after_commit', method: 'POST', path: '/v1/refunds' });
    await reject(owner.id, order.id);

    const refund = await settledRefund(order.id);
    expect(refund.status).toBe('succeeded');
    expect(deps.sandbox.faults.list()).toEqual([]);
    expect(await processorRefunds(intentId)).toHaveLength(1);
    await expect.poll(() => refundJobState(refund.id)).toMatchObject({ state: 'completed' });
  });

  it('retries through server errors, past the SDK’s own retries, and refunds once', async () => {
    const { order, resident, intentId } = await paidOrder();
    // Three 500s outlast the SDK's two retries, so the job itself fails and BullMQ retries it.
    deps.sandbox.faults.inject({
      kind: 'server_error',
      method: 'POST',
      path: '/v1/refunds',
      times: 3,
    });
    const me = await callerFor(deps, resident.id);
    await me.order.cancel({ id: order.id, reason: '计划有变' });

    const refund = await settledRefund(order.id, 20_000);
    expect(refund.status).toBe('succeeded');
    expect(deps.sandbox.faults.list()).toEqual([]);
    expect(await processorRefunds(intentId)).toHaveLength(1);
    await expect
      .poll(() => refundJobState(refund.id), { timeout: 10_000 })
      .toEqual({ state: 'completed', attempts: 2 });
  });

  it('fails, with the reason, a refund of an order that never went through the processor', async () => {
    const { service, resident, owner } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id });
    const order = await bookSlot(deps, resident.id, slot.id);
    await payOrder(deps, order.id); // the test-only seam: paid with no Stripe payment behind it
    await reject(owner.id, order.id);

    const refund = await settledRefund(order.id);
    expect(refund.status).toBe('failed');
    expect(refund.failureReason).toMatch(/no payment through the payment processor/);
    expect(await deps.db.select().from(payments).where(eq(payments.orderId, order.id))).toEqual([]);
  });

  it('voids the posting of a refund the processor refused, and the order has its money back to refund', async () => {
    const { order, owner, intentId } = await paidOrder();
    await openDispute(intentId);
    await reject(owner.id, order.id);

    const refund = await settledRefund(order.id);
    expect(refund.status).toBe('failed');
    expect(refund.failureReason).toMatch(/refused the refund: .*charged back/);
    expect(await processorRefunds(intentId)).toEqual([]);
    expect(await refundEntries(refund.id)).toEqual([
      { phase: 'pending', clearing: -order.totalFen, cash: 0 },
      { phase: 'void', clearing: order.totalFen, cash: 0 },
    ]);
    const [after] = await deps.db.select().from(orders).where(eq(orders.id, order.id));
    expect(after).toMatchObject({ status: 'rejected', refundFen: 0 });
    expect(await checkInvariants(deps.db)).toMatchObject({ ok: true });
  });

  it('lets ops retry a refused refund: listed for its company, voided again while refused, then made once', async () => {
    const { order, owner, resident, companyId, intentId } = await paidOrder();
    const dispute = await openDispute(intentId);
    await reject(owner.id, order.id);
    const refused = await settledRefund(order.id);
    expect(refused.status).toBe('failed');

    const ops = await callerFor(
      deps,
      (await deps.factories.createPropertyUser(companyId, 'property_ops')).id,
    );
    const listed = await ops.ops.refunds.list({ status: 'failed' });
    expect(listed).toEqual([
      expect.objectContaining({
        id: refused.id,
        orderNo: order.orderNo,
        amountFen: order.totalFen,
        statusLabel: '退款失败',
        canRetry: true,
      }),
    ]);
    // Another company's staff neither see nor retry it.
    const stranger = await callerFor(
      deps,
      (
        await deps.factories.createPropertyUser(
          (await deps.factories.createCompany()).id,
          'property_ops',
        )
      ).id,
    );
    expect(await stranger.ops.refunds.list({})).toEqual([]);
    await expect(stranger.ops.refunds.retry({ refundId: refused.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const view = await (await callerFor(deps, resident.id)).order.get({ id: order.id });
    expect(view.refunds).toEqual([
      expect.objectContaining({ id: refused.id, status: 'failed', statusLabel: '退款失败' }),
    ]);

    // Retried while the chargeback is still open: refused again, voided again.
    await ops.ops.refunds.retry({ refundId: refused.id });
    expect((await settledRefund(order.id, 15_000, 2)).status).toBe('failed');
    await expect(ops.ops.refunds.retry({ refundId: refused.id })).resolves.toMatchObject({
      attempt: 3,
    });
    await expect(ops.ops.refunds.retry({ refundId: refused.id })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const third = await settledRefund(order.id, 15_000, 3);
    expect(third.status).toBe('failed');

    // The card network decides for the platform; the next retry goes through, once.
    await deps.payments.stripe.rawRequest('POST', `/v1/test_helpers/disputes/${dispute.id}/close`, {
      outcome: 'won',
    });
    await ops.ops.refunds.retry({ refundId: refused.id });
    const made = await settledRefund(order.id, 15_000, 4);
    expect(made).toMatchObject({ status: 'succeeded', attempt: 4 });
    const atProcessor = await processorRefunds(intentId);
    expect(atProcessor).toHaveLength(1);
    expect(atProcessor[0]).toMatchObject({
      id: made.stripeRefundId,
      amount: order.totalFen,
      metadata: { refund_id: refused.id, attempt: '4' },
    });
    expect(await refundEntries(refused.id)).toEqual([
      { phase: 'pending', clearing: -order.totalFen, cash: 0 },
      { phase: 'void', clearing: order.totalFen, cash: 0 },
      { phase: 'pending', clearing: -order.totalFen, cash: 0 },
      { phase: 'void', clearing: order.totalFen, cash: 0 },
      { phase: 'pending', clearing: -order.totalFen, cash: 0 },
      { phase: 'void', clearing: order.totalFen, cash: 0 },
      { phase: 'pending', clearing: -order.totalFen, cash: 0 },
      { phase: 'post', clearing: order.totalFen, cash: -order.totalFen },
    ]);
    const [after] = await deps.db.select().from(orders).where(eq(orders.id, order.id));
    expect(after!.refundFen).toBe(order.totalFen);
    expect(await ops.ops.refunds.list({})).toEqual([]);
    expect(await checkInvariants(deps.db)).toMatchObject({ ok: true });
  });

  it('gives a refused refund after earning back to the merchant’s and the platform’s shares, and takes it again on retry', async () => {
    const { order, owner, resident, companyId, intentId } = await paidOrder();
    const merchant = await callerFor(deps, owner.id);
    await merchant.merchant.orders.accept({ id: order.id });
    await orderSlotStartsIn(deps, order.id, 10);
    await merchant.merchant.orders.start({ id: order.id });
    await merchant.merchant.orders.complete({ id: order.id });
    await (await callerFor(deps, resident.id)).order.confirm({ id: order.id });
    const [earned] = await deps.db.select().from(orders).where(eq(orders.id, order.id));
    const payable = async () =>
      Number(
        (
          await deps.db
            .select({ sum: sql<string>`coalesce(-sum(${ledgerPostings.amountFen}), 0)` })
            .from(ledgerPostings)
            .where(eq(ledgerPostings.account, `payable:merchant:${order.merchantId}`))
        )[0]!.sum,
      );
    const owed = await payable();
    expect(owed).toBe(earned!.merchantShareFen);

    const dispute = await openDispute(intentId);
    const ops = await callerFor(
      deps,
      (await deps.factories.createPropertyUser(companyId, 'property_ops')).id,
    );
    const { refundId } = await ops.ops.refundOrder({
      orderId: order.id,
      amountFen: 5_000,
      reason: '服务不满意',
    });
    // Reserved at once: the merchant's share is already smaller, so no payout can take it.
    expect(await payable()).toBeLessThan(owed);
    const refused = await settledRefund(order.id);
    expect(refused).toMatchObject({ id: refundId, status: 'failed' });
    const [voided] = await deps.db.select().from(orders).where(eq(orders.id, order.id));
    expect(voided).toMatchObject({
      refundFen: 0,
      merchantShareFen: earned!.merchantShareFen,
      platformShareFen: earned!.platformShareFen,
    });
    // What is left owed is held by the open chargeback (all of it: the whole charge is disputed).
    expect(await payable()).toBe(0);
    expect(await checkInvariants(deps.db)).toMatchObject({ ok: true });

    await deps.payments.stripe.rawRequest('POST', `/v1/test_helpers/disputes/${dispute.id}/close`, {
      outcome: 'won',
    });
    await ops.ops.refunds.retry({ refundId });
    expect(await settledRefund(order.id, 15_000, 2)).toMatchObject({ status: 'succeeded' });
    const [refunded] = await deps.db.select().from(orders).where(eq(orders.id, order.id));
    expect(refunded!.refundFen).toBe(5_000);
    expect(refunded!.merchantShareFen! + refunded!.platformShareFen!).toBe(order.totalFen - 5_000);
    expect(await payable()).toBe(refunded!.merchantShareFen);
    const made = await processorRefunds(intentId);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ amount: 5_000, metadata: { refund_id: refundId } });
    expect(await checkInvariants(deps.db)).toMatchObject({ ok: true });
  });
});
