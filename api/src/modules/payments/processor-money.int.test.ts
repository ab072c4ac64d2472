import { journalEntries, ledgerPostings, orders, paymentFindings, refunds } from '@cgp/db';
import { asc, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../server';
import {
  bookSlot,
  callerFor,
  createPaymentTestDeps,
  forceOrderState,
  paidCheckout,
  postWebhook,
  serveWithPayments,
  submitCheckoutPage,
  tokenFor,
  trpcOverHttp,
  type PaymentTestDeps,
} from '../../testing';
import { checkInvariants } from '../audit/invariants.service';
import { split } from '../ledger/split';
import { act } from '../orders/order-actions';
import { timersFrom } from '../orders/timers';
import { recordRefund } from '../ledger/order-money';
import { sendRefund } from './send-refund';

let deps: PaymentTestDeps;
let api: ApiServer & { url: string };

/** The processor's terms in these tests: 0.6% + ¥0.30 a charge, ¥15 a dispute. */
const TERMS = { feeBps: 60, feeFixedFen: 30, disputeFeeFen: 1_500 };
const feeOf = (amount: number) => Math.floor((amount * 60 + 5_000) / 10_000) + 30;

beforeAll(async () => {
  deps = await createPaymentTestDeps();
  api = await serveWithPayments(deps);
  await deps.sandbox.setTerms(TERMS);
});
afterAll(async () => {
  await api?.close();
  await deps?.teardown();
});

async function paidOrder() {
  return paidOrderWithCompany();
}

async function paidOrderWithCompany() {
  const { service, resident, owner, community } = await deps.factories.createMarketplace();
  const slot = await deps.factories.createSlot({ serviceId: service.id });
  const order = await bookSlot(deps, resident.id, slot.id, { quantity: 2 });
  const token = await tokenFor(deps, resident.id);
  const { data } = await trpcOverHttp<{ url: string }>(api.url, token, 'payment.checkout', {
    orderId: order.id,
  });
  const { body } = await submitCheckoutPage(data!.url, 'succeeded');
  await deps.sandbox.waitForWebhooks();
  const intentId = body.payment_intent!.id;
  const intent = await deps.payments.stripe.paymentIntents.retrieve(intentId, {
    expand: ['latest_charge.balance_transaction'],
  });
  const charge = intent.latest_charge as Stripe.Charge;
  return {
    order: await orderRow(order.id),
    resident,
    owner,
    community,
    intentId,
    charge,
    chargeTxn: charge.balance_transaction as Stripe.BalanceTransaction,
  };
}

/** Completed and confirmed by the system: the order has earned its shares. */
async function earned(orderId: string) {
  await forceOrderState(deps, orderId, 'completed', { autoConfirmInSeconds: -1 });
  await act(deps.db, {
    orderId,
    action: 'autoConfirm',
    actor: { kind: 'system' },
    timers: timersFrom(deps.env),
  });
  return orderRow(orderId);
}

async function orderRow(id: string) {
  return (await deps.db.select().from(orders).where(eq(orders.id, id)))[0]!;
}

/** The order's entries in order: kind, phase, processor object and the sum moved per account. */
async function entriesOf(orderId: string) {
  const rows = await deps.db
    .select({
      id: journalEntries.id,
      kind: journalEntries.kind,
      phase: journalEntries.phase,
      txn: journalEntries.processorObjectId,
      account: ledgerPostings.account,
      amountFen: ledgerPostings.amountFen,
    })
    .from(journalEntries)
    .innerJoin(ledgerPostings, eq(ledgerPostings.entryId, journalEntries.id))
    .where(eq(journalEntries.orderId, orderId))
    .orderBy(asc(journalEntries.createdAt), asc(ledgerPostings.id));
  const entries = new Map<
    string,
    { kind: string; phase: string; txn: string | null; lines: Record<string, number> }
  >();
  for (const r of rows) {
    const e = entries.get(r.id) ?? { kind: r.kind, phase: r.phase, txn: r.txn, lines: {} };
    const account = r.account.startsWith('payable:') ? 'payable' : r.account;
    e.lines[account] = (e.lines[account] ?? 0) + r.amountFen;
    entries.set(r.id, e);
  }
  return [...entries.values()];
}

/** What the platform owes the merchant by its ledger. */
async function payableOf(merchantId: string) {
  const rows = await deps.db
    .select({ amountFen: ledgerPostings.amountFen })
    .from(ledgerPostings)
    .where(eq(ledgerPostings.account, `payable:merchant:${merchantId}`));
  return 0 - rows.reduce((s, r) => s + r.amountFen, 0);
}

/** The deployment's invariants with the processor's balance: every check, failing ones named. */
async function invariantsAgreeWithProcessor() {
  const result = await checkInvariants(deps.db, { kind: 'deployment' }, deps.payments.stripe);
  expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  expect(result.checks.map((c) => c.name)).toContain('cash_matches_processor_balance');
}

describe('processor fees', () => {
  it('books the charge by its balance transaction: net to cash, the fee to the platform’s expense, the split untouched', async () => {
    const { order, chargeTxn } = await paidOrder();
    const fee = feeOf(order.totalFen);
    expect(chargeTxn).toMatchObject({ amount: order.totalFen, fee });
    expect(await entriesOf(order.id)).toEqual([
      {
        kind: 'payment',
        phase: 'single',
        txn: chargeTxn.id,
        lines: {
          'cash:stripe': order.totalFen - fee,
          'expense:processor_fees': fee,
          'escrow:order': -order.totalFen,
        },
      },
    ]);
    const confirmed = await earned(order.id);
    expect(confirmed).toMatchObject({
      merchantShareFen: split(order.totalFen, 3_000).merchantFen,
      platformShareFen: split(order.totalFen, 3_000).platformFen,
    });
    await invariantsAgreeWithProcessor();
  });

  it('books a confirmed refund by the refund’s balance transaction', async () => {
    const { order } = await paidOrder();
    await earned(order.id);
    const refund = await deps.db.transaction(async (tx) => {
      const [owed] = await tx
        .update(orders)
        .set({ refundFen: 1_000 })
        .where(eq(orders.id, order.id))
        .returning();
      return recordRefund(tx, owed!, 1_000, 'ops: 部分退款');
    });
    expect(await sendRefund(deps, refund.id)).toEqual({ outcome: 'refunded' });
    const [row] = await deps.db.select().from(refunds).where(eq(refunds.id, refund.id));
    const made = await deps.payments.stripe.refunds.retrieve(row!.stripeRefundId!);
    const posted = (await entriesOf(order.id)).find((e) => e.phase === 'post');
    expect(posted).toEqual({
      kind: 'refund',
      phase: 'post',
      txn: made.balance_transaction,
      lines: { 'clearing:refunds': 1_000, 'cash:stripe': -1_000 },
    });
    const after = await orderRow(order.id);
    const shares = split(order.totalFen - 1_000, 3_000);
    expect(after).toMatchObject({
      merchantShareFen: shares.merchantFen,
      platformShareFen: shares.platformFen,
    });
    await invariantsAgreeWithProcessor();
  });

  it('tells the operator when cash differs from the processor balance; company staff do not get a deployment figure', async () => {
    await paidOrder();
    const admin = await callerFor(deps, (await deps.factories.createPlatformAdmin()).id);
    const check = async () =>
      (await admin.audit.invariants()).checks.find(
        (c) => c.name === 'cash_matches_processor_balance',
      );
    expect(await check()).toEqual({
      name: 'cash_matches_processor_balance',
      ok: true,
      detail: 'holds',
    });

    // A payment at the processor that is not the platform's: no entry books it.
    await deps.sandbox.setTerms({ feeBps: 0, feeFixedFen: 0 });
    const foreign = await paidCheckout(deps.payments.stripe, 1_000);
    await deps.sandbox.waitForWebhooks();
    expect(await check()).toMatchObject({
      ok: false,
      detail: expect.stringContaining('difference -1000') as unknown,
    });
    const { community } = await deps.factories.createMarketplace();
    const auditor = await deps.factories.createPropertyUser(
      community.companyId,
      'property_auditor',
    );
    const company = await callerFor(deps, auditor.id);
    const names = (await company.audit.invariants()).checks.map((c) => c.name);
    expect(names).not.toContain('cash_matches_processor_balance');

    // Given back, the processor's balance is the ledger's again.
    await deps.payments.stripe.refunds.create({ payment_intent: foreign.paymentIntent.id });
    await deps.sandbox.waitForWebhooks();
    await deps.sandbox.setTerms(TERMS);
    expect(await check()).toMatchObject({ ok: true });
  });
});

/** Delivery held back: the sandbox sends nothing the platform uses until `deliverAll`. */
const holdDelivery = () =>
  deps.sandbox.addWebhookEndpoint({
    url: `${api.url}/webhooks/stripe`,
    events: ['account.application.authorized'],
  });
const deliverAll = () =>
  deps.sandbox.addWebhookEndpoint({ url: `${api.url}/webhooks/stripe`, events: ['*'] });

/** Every event the sandbox made about `objectId`, oldest first. */
async function eventsAbout(objectId: string): Promise<Stripe.Event[]> {
  const list = await deps.payments.stripe.events.list({ limit: 100 });
  return list.data.filter((e) => (e.data.object as { id?: string }).id === objectId).reverse();
}

/** Each event twice, the whole lot in the order given, then all of them again at once. */
async function deliverShuffled(events: Stripe.Event[]) {
  for (const event of [...events, ...events.slice().reverse()]) {
    expect(await postWebhook(deps, api.url, event)).toMatchObject({ status: 200 });
  }
  const burst = await Promise.all(events.map((e) => postWebhook(deps, api.url, e)));
  expect(burst.map((r) => r.status)).toEqual(events.map(() => 200));
}

const testHelper = <T>(path: string, form: Record<string, string | number> = {}) =>
  deps.payments.stripe.rawRequest('POST', `/v1/test_helpers/${path}`, form) as Promise<
    Stripe.Response<T>
  >;

describe('refunds made in the processor’s Dashboard', () => {
  for (const first of ['charge.refunded', 'refund.created'] as const) {
    it(`books one confirmed refund of the order when ${first} comes first, however often the reports come`, async () => {
      const { order, charge, resident } = await paidOrder();
      const confirmed = await earned(order.id);
      await holdDelivery();
      const made = await testHelper<Stripe.Refund>(`charges/${charge.id}/dashboard_refund`, {
        amount: 1_001,
      });
      const reports = [
        ...(await eventsAbout(charge.id)).filter((e) => e.type === 'charge.refunded'),
        ...(await eventsAbout(made.id)),
      ].sort((a) => (a.type === first ? -1 : 1));
      expect(reports.map((e) => e.type)).toEqual(
        first === 'charge.refunded'
          ? ['charge.refunded', 'refund.created']
          : ['refund.created', 'charge.refunded'],
      );
      await deliverShuffled(reports);
      await deliverAll();

      const rows = await deps.db.select().from(refunds).where(eq(refunds.orderId, order.id));
      expect(rows).toEqual([
        expect.objectContaining({
          amountFen: 1_001,
          status: 'succeeded',
          cause: 'processor_dashboard',
          stripeRefundId: made.id,
        }),
      ]);
      const shares = split(order.totalFen - 1_001, 3_000);
      expect(await orderRow(order.id)).toMatchObject({
        refundFen: 1_001,
        merchantShareFen: shares.merchantFen,
        platformShareFen: shares.platformFen,
      });
      const refundEntries = (await entriesOf(order.id)).filter((e) => e.kind === 'refund');
      expect(refundEntries).toEqual([
        {
          kind: 'refund',
          phase: 'pending',
          txn: null,
          lines: {
            payable: confirmed.merchantShareFen! - shares.merchantFen,
            'revenue:platform': confirmed.platformShareFen! - shares.platformFen,
            'clearing:refunds': -1_001,
          },
        },
        {
          kind: 'refund',
          phase: 'post',
          txn: made.balance_transaction,
          lines: { 'clearing:refunds': 1_001, 'cash:stripe': -1_001 },
        },
      ]);
      const view = await (await callerFor(deps, resident.id)).order.get({ id: order.id });
      expect(view.refunds).toEqual([
        expect.objectContaining({
          amountFen: 1_001,
          status: 'succeeded',
          cause: 'processor_dashboard',
        }),
      ]);
      await invariantsAgreeWithProcessor();
    });
  }
});

describe('chargebacks', () => {
  it('holds the merchant’s share when the dispute opens and releases it when the platform wins, once whatever the order of the reports', async () => {
    const { order, charge } = await paidOrder();
    const confirmed = await earned(order.id);
    await holdDelivery();
    const dispute = await testHelper<Stripe.Dispute>(`charges/${charge.id}/dispute`);
    await deliverShuffled((await eventsAbout(dispute.id)).reverse());

    const withdrawal = dispute.balance_transactions[0]!;
    expect(withdrawal).toMatchObject({ amount: -order.totalFen, fee: 1_500 });
    // The order's figures wait for the outcome; the merchant's payable holds none of it.
    expect(await orderRow(order.id)).toMatchObject({
      merchantShareFen: confirmed.merchantShareFen,
      platformShareFen: confirmed.platformShareFen,
      refundFen: 0,
    });
    expect(await payableOf(order.merchantId)).toBe(0);
    const held = (await entriesOf(order.id)).filter((e) => e.kind === 'dispute');
    expect(held).toEqual([
      {
        kind: 'dispute',
        phase: 'single',
        txn: withdrawal.id,
        lines: {
          'cash:stripe': -order.totalFen - 1_500,
          'expense:processor_fees': 1_500,
          payable: confirmed.merchantShareFen,
          'clearing:disputes': order.totalFen - confirmed.merchantShareFen!,
        },
      },
    ]);
    await invariantsAgreeWithProcessor();

    const won = await testHelper<Stripe.Dispute>(`disputes/${dispute.id}/close`, {
      outcome: 'won',
    });
    const reinstated = won.balance_transactions[1]!;
    const closing = (await eventsAbout(dispute.id)).filter((e) =>
      ['charge.dispute.closed', 'charge.dispute.funds_reinstated'].includes(e.type),
    );
    expect(closing).toHaveLength(2);
    await deliverShuffled(closing.reverse());
    await deliverAll();
    expect(await orderRow(order.id)).toMatchObject({
      merchantShareFen: confirmed.merchantShareFen,
      platformShareFen: confirmed.platformShareFen,
      refundFen: 0,
    });
    const disputeEntries = (await entriesOf(order.id)).filter((e) => e.kind === 'dispute');
    expect(disputeEntries.map((e) => e.txn)).toEqual([withdrawal.id, reinstated.id]);
    expect(disputeEntries[1]!.lines).toEqual({
      'cash:stripe': order.totalFen,
      payable: -confirmed.merchantShareFen!,
      'clearing:disputes': -(order.totalFen - confirmed.merchantShareFen!),
    });
    await invariantsAgreeWithProcessor();
  });

  it('reverses a lost dispute like a refund after confirmation; the fee stays the platform’s expense', async () => {
    const { order, charge } = await paidOrder();
    const confirmed = await earned(order.id);
    await holdDelivery();
    const dispute = await testHelper<Stripe.Dispute>(`charges/${charge.id}/dispute`, {
      amount: 1_001,
    });
    await deps.payments.stripe.disputes.close(dispute.id);
    const events = await eventsAbout(dispute.id);
    expect(events.map((e) => e.type)).toEqual([
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.closed',
    ]);
    // The closing report first, then the rest, each twice.
    await deliverShuffled([events[2]!, events[0]!, events[1]!]);
    await deliverAll();

    const shares = split(order.totalFen - 1_001, 3_000);
    expect(await orderRow(order.id)).toMatchObject({
      refundFen: 1_001,
      merchantShareFen: shares.merchantFen,
      platformShareFen: shares.platformFen,
    });
    const disputeEntries = (await entriesOf(order.id)).filter((e) => e.kind === 'dispute');
    expect(disputeEntries).toEqual([
      expect.objectContaining({ txn: dispute.balance_transactions[0]!.id }),
      {
        kind: 'dispute',
        phase: 'single',
        txn: null,
        lines: {
          'revenue:platform': confirmed.platformShareFen! - shares.platformFen,
          'clearing:disputes': -(confirmed.platformShareFen! - shares.platformFen),
        },
      },
    ]);
    await invariantsAgreeWithProcessor();
  });

  it('holds the merchant’s share of a dispute opened before the order earned, once it earns', async () => {
    const { order, charge } = await paidOrder();
    const dispute = await testHelper<Stripe.Dispute>(`charges/${charge.id}/dispute`, {
      amount: 3_000,
    });
    await deps.sandbox.waitForWebhooks();
    expect(await orderRow(order.id)).toMatchObject({ refundFen: 0 });
    const confirmed = await earned(order.id);
    const held = confirmed.merchantShareFen! - split(order.totalFen - 3_000, 3_000).merchantFen;
    expect(await payableOf(order.merchantId)).toBe(confirmed.merchantShareFen! - held);
    await invariantsAgreeWithProcessor();

    await testHelper<Stripe.Dispute>(`disputes/${dispute.id}/close`, { outcome: 'won' });
    await deps.sandbox.waitForWebhooks();
    expect(await payableOf(order.merchantId)).toBe(confirmed.merchantShareFen);
    await invariantsAgreeWithProcessor();
  });

  it('takes a dispute lost before the order earned out of escrow, so only the rest is ever earned', async () => {
    const { order, charge } = await paidOrder();
    const dispute = await testHelper<Stripe.Dispute>(`charges/${charge.id}/dispute`, {
      amount: 2_000,
    });
    await deps.payments.stripe.disputes.close(dispute.id);
    await deps.sandbox.waitForWebhooks();
    expect(await orderRow(order.id)).toMatchObject({ refundFen: 2_000 });
    const confirmed = await earned(order.id);
    const shares = split(order.totalFen - 2_000, 3_000);
    expect(confirmed).toMatchObject({
      merchantShareFen: shares.merchantFen,
      platformShareFen: shares.platformFen,
    });
    await invariantsAgreeWithProcessor();
  });
});

describe('a refund that fails after it succeeded', () => {
  it('gives the money back to the books, shows 退款失败, and ops retry it once', async () => {
    const { order, resident, community } = await paidOrderWithCompany();
    await earned(order.id);
    const refund = await deps.db.transaction(async (tx) => {
      const [owed] = await tx
        .update(orders)
        .set({ refundFen: 2_000 })
        .where(eq(orders.id, order.id))
        .returning();
      return recordRefund(tx, owed!, 2_000, 'ops: 服务缩短');
    });
    expect(await sendRefund(deps, refund.id)).toEqual({ outcome: 'refunded' });
    await deps.sandbox.waitForWebhooks();
    const [succeeded] = await deps.db.select().from(refunds).where(eq(refunds.id, refund.id));
    const staleReports = await eventsAbout(succeeded!.stripeRefundId!);

    const failed = await testHelper<Stripe.Refund>(`refunds/${succeeded!.stripeRefundId!}/fail`);
    await deps.sandbox.waitForWebhooks();
    // Reports of its earlier success, delivered again late, change nothing.
    await deliverShuffled(staleReports);

    const [row] = await deps.db.select().from(refunds).where(eq(refunds.id, refund.id));
    expect(row).toMatchObject({ status: 'failed', attempt: 1 });
    const paid = split(order.totalFen, 3_000);
    expect(await orderRow(order.id)).toMatchObject({
      refundFen: 0,
      merchantShareFen: paid.merchantFen,
      platformShareFen: paid.platformFen,
    });
    const back = (await entriesOf(order.id)).filter((e) => e.kind === 'refund');
    expect(back.map((e) => [e.phase, e.txn])).toEqual([
      ['pending', null],
      ['post', expect.stringMatching(/^txn_/)],
      ['single', failed.failure_balance_transaction],
    ]);
    const taken = split(order.totalFen - 2_000, 3_000);
    expect(back[2]!.lines).toEqual({
      'cash:stripe': 2_000,
      payable: -(paid.merchantFen - taken.merchantFen),
      'revenue:platform': -(paid.platformFen - taken.platformFen),
    });
    const view = await (await callerFor(deps, resident.id)).order.get({ id: order.id });
    expect(view.refunds).toEqual([
      expect.objectContaining({ id: refund.id, status: 'failed', statusLabel: '退款失败' }),
    ]);
    await invariantsAgreeWithProcessor();

    const ops = await callerFor(
      deps,
      (await deps.factories.createPropertyUser(community.companyId, 'property_ops')).id,
    );
    const listed = await ops.ops.refunds.list({ status: 'failed', limit: 20 });
    expect(listed).toEqual([
      expect.objectContaining({ id: refund.id, statusLabel: '退款失败', canRetry: true }),
    ]);
    expect(await ops.ops.refunds.retry({ refundId: refund.id })).toMatchObject({
      status: 'pending',
      attempt: 2,
    });
    expect(await sendRefund(deps, refund.id)).toEqual({ outcome: 'refunded' });
    await deps.sandbox.waitForWebhooks();
    expect(await orderRow(order.id)).toMatchObject({ refundFen: 2_000 });
    const [intentRow] = await deps.db.select().from(refunds).where(eq(refunds.id, refund.id));
    expect(intentRow).toMatchObject({ status: 'succeeded', attempt: 2 });
    const atProcessor = await deps.payments.stripe.refunds.list({
      charge: failed.charge as string,
    });
    expect(atProcessor.data.map((r) => r.status).sort()).toEqual(['failed', 'succeeded']);
    await invariantsAgreeWithProcessor();
  });
});

describe('payments checked against their order, with fees', () => {
  it('takes a signed report of ¥0.01 for the order as a finding; the processor’s own report pays it', async () => {
    await holdDelivery();
    const { service, resident } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id });
    const order = await bookSlot(deps, resident.id, slot.id);
    const token = await tokenFor(deps, resident.id);
    const { data } = await trpcOverHttp<{ url: string }>(api.url, token, 'payment.checkout', {
      orderId: order.id,
    });
    await submitCheckoutPage(data!.url, 'succeeded');
    await deliverAll();
    const [completed] = (await deps.payments.stripe.events.list({ limit: 20 })).data.filter(
      (e) =>
        e.type === 'checkout.session.completed' && e.data.object.metadata?.order_id === order.id,
    );
    const forged = structuredClone(completed!) as Stripe.CheckoutSessionCompletedEvent;
    forged.id = `${completed!.id}_forged`;
    forged.data.object.amount_total = 1;
    expect(await postWebhook(deps, api.url, forged)).toMatchObject({ status: 200 });
    expect(await orderRow(order.id)).toMatchObject({ status: 'pending_payment', paidAt: null });
    expect(await entriesOf(order.id)).toEqual([]);
    const findings = await deps.db
      .select()
      .from(paymentFindings)
      .where(eq(paymentFindings.orderId, order.id));
    expect(findings.map((f) => [f.kind, f.expected, f.actual])).toEqual([
      ['payment_amount', String(order.totalFen), '1'],
    ]);

    await postWebhook(deps, api.url, completed);
    expect(await orderRow(order.id)).toMatchObject({ status: 'paid' });
    await invariantsAgreeWithProcessor();
  });

  it('refunds a second payment of a paid order in full; the platform bears both fees', async () => {
    const { order } = await paidOrder();
    const second = await deps.payments.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: 'cny',
            unit_amount: order.totalFen,
            product_data: { name: '同一订单再次付款' },
          },
        },
      ],
      metadata: { order_id: order.id },
      payment_intent_data: { metadata: { order_id: order.id } },
      client_reference_id: order.id,
      success_url: 'http://localhost/ok',
    });
    await submitCheckoutPage(second.url!, 'succeeded');
    await deps.sandbox.waitForWebhooks();
    const [refund] = await deps.db.select().from(refunds).where(eq(refunds.orderId, order.id));
    expect(refund).toMatchObject({ cause: 'duplicate_payment', amountFen: order.totalFen });
    expect(await sendRefund(deps, refund!.id)).toEqual({ outcome: 'refunded' });
    await deps.sandbox.waitForWebhooks();
    const fees = (await entriesOf(order.id)).reduce(
      (s, e) => s + (e.lines['expense:processor_fees'] ?? 0),
      0,
    );
    expect(fees).toBe(2 * feeOf(order.totalFen));
    expect(await orderRow(order.id)).toMatchObject({ status: 'paid', refundFen: 0 });
    await invariantsAgreeWithProcessor();
  });
});

describe('a chargeback and a refund of the same order', () => {
  it('lost while the order’s refund was refused: the resident has the money, the books close at zero', async () => {
    const { order, owner, charge, community } = await paidOrder();
    const ops = await callerFor(
      deps,
      (await deps.factories.createPropertyUser(community.companyId, 'property_ops')).id,
    );
    const dispute = await testHelper<Stripe.Dispute>(`charges/${charge.id}/dispute`);
    await deps.sandbox.waitForWebhooks();
    await (
      await callerFor(deps, owner.id)
    ).merchant.orders.reject({
      id: order.id,
      reason: '今天人手不足',
    });
    const [refund] = await deps.db.select().from(refunds).where(eq(refunds.orderId, order.id));
    expect(await sendRefund(deps, refund!.id)).toMatchObject({ outcome: 'failed' });
    expect(await ops.ops.refunds.list({ status: 'failed' })).toEqual([
      expect.objectContaining({ id: refund!.id, canRetry: true }),
    ]);
    await invariantsAgreeWithProcessor();

    await testHelper<Stripe.Dispute>(`disputes/${dispute.id}/close`, { outcome: 'lost' });
    await deps.sandbox.waitForWebhooks();
    expect(await orderRow(order.id)).toMatchObject({
      status: 'rejected',
      refundFen: order.totalFen,
    });
    // Nothing is left to refund: the refused refund can no longer be retried.
    expect(await ops.ops.refunds.list({ status: 'failed' })).toEqual([
      expect.objectContaining({ id: refund!.id, canRetry: false }),
    ]);
    await expect(ops.ops.refunds.retry({ refundId: refund!.id })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await invariantsAgreeWithProcessor();
  });
});
