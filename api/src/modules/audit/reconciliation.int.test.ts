import { payments, type Db } from '@cgp/db';
import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callerFor,
  createPaymentTestDeps,
  onboardedAccount,
  paidCheckout,
  seedEligibleOrders,
  type EligibleOrdersSeed,
  type PaymentTestDeps,
} from '../../testing';
import { ACCOUNTS } from '../ledger/accounts';
import { postEntry } from '../ledger/post';
import { addDays, businessDateOf } from '../merchant/business-date';
import { buildStatements } from '../settlement/build-statements';
import { reconcileNightly } from './reconciliation-nightly';
import { reconcilePeriod } from './reconciliation.service';

let deps: PaymentTestDeps;
let stripe: Stripe;
let a: EligibleOrdersSeed;
let b: EligibleOrdersSeed;
let tz: string;
let today: string;

const ordersOf = async (db: Db, companyId: string) =>
  (
    await db.execute<{ id: string }>(sql`
      SELECT o.id FROM orders o JOIN communities c ON c.id = o.community_id
       WHERE c.company_id = ${companyId} ORDER BY o.id`)
  ).rows.map((r) => r.id);

const statementOf = async (db: Db, merchantId: string) =>
  (
    await db.execute<{ id: string }>(
      sql`SELECT id FROM statements WHERE merchant_id = ${merchantId} LIMIT 1`,
    )
  ).rows[0]!.id;

/** A paid charge at the processor, recorded as the order's payment (as the webhook records it). */
async function chargeFor(orderId: string, amount: number) {
  const { paymentIntent, session } = await paidCheckout(stripe, amount);
  await deps.db.insert(payments).values({
    orderId,
    checkoutSessionId: session.id,
    paymentIntentId: paymentIntent.id,
    amountFen: amount,
    status: 'succeeded',
    succeededAt: new Date(),
    url: 'http://localhost/checkout',
  });
  return paymentIntent.latest_charge as string;
}

const helper = <T>(path: string, form: Record<string, string | number> = {}) =>
  stripe.rawRequest('POST', `/v1/test_helpers/${path}`, form) as Promise<Stripe.Response<T>>;

const balanceLinesOf = async (source: string) =>
  (await stripe.balanceTransactions.list({ source, limit: 10 })).data;

/**
 * Books one balance transaction as the ledger's convention asks (journal_entries.
 * processor_object_id): the entry names the txn, its `cash:stripe` is the net, the fee goes to
 * `expense:processor_fees`, the gross to the account the money comes from or goes to.
 * Waiting: the product's own bookings of charges with their fees, dashboard refunds and disputes
 * (processor fees, disputes) and of transfers and reversals (two-phase payouts) replace these
 * calls when they land; the matcher and this day's expectations stay as they are.
 */
async function book(
  bt: Stripe.BalanceTransaction,
  kind: 'payment' | 'refund' | 'dispute' | 'payout' | 'transfer_reversal',
  counter: string,
  refs: { orderId?: string; statementId?: string },
) {
  await deps.db.transaction((tx) =>
    postEntry(tx, {
      kind,
      idempotencyKey: `reconciliation-test:${bt.id}`,
      processorObjectId: bt.id,
      ...refs,
      lines: [
        { account: ACCOUNTS.cash, amountFen: bt.net },
        { account: ACCOUNTS.processorFees, amountFen: bt.fee },
        { account: counter, amountFen: -bt.amount },
      ],
    }),
  );
}

beforeAll(async () => {
  deps = await createPaymentTestDeps();
  stripe = deps.payments.stripe;
  tz = deps.env.TZ_BUSINESS;
  today = businessDateOf(new Date(), tz);
  await deps.sandbox.setTerms({ feeBps: 350, feeFixedFen: 0, disputeFeeFen: 1_500 });
  const accountA = (await onboardedAccount(stripe)).id;
  const accountB = (await onboardedAccount(stripe)).id;
  // Their payments were booked three days ago, before entries named balance transactions.
  a = await seedEligibleOrders(deps.db, { merchants: 1, orders: 4, accountIds: [accountA] });
  b = await seedEligibleOrders(deps.db, { merchants: 1, orders: 1, accountIds: [accountB] });
  await buildStatements(deps.db);
});
afterAll(() => deps.teardown());

describe('a business day reconciled both ways against the processor', () => {
  it('reconciles a day of charges with fees, a dashboard refund, a lost dispute and a reversal to zero findings only once all is booked, naming what is not', async () => {
    const [o1, o2, o3, o4] = await ordersOf(deps.db, a.companyId);
    const statement = await statementOf(deps.db, a.merchantIds[0]!);
    const account = (
      await deps.db.execute<{ account: string }>(
        sql`SELECT stripe_account_id AS account FROM merchants WHERE id = ${a.merchantIds[0]!}`,
      )
    ).rows[0]!.account;

    // What the processor did today.
    const lost = await chargeFor(o1!, 39_900);
    const refunded = await chargeFor(o2!, 12_000);
    const plain = await chargeFor(o3!, 8_800);
    const won = await chargeFor(o4!, 20_000);
    const dashboardRefund = await helper<Stripe.Refund>(`charges/${refunded}/dashboard_refund`, {
      amount: 5_000,
    });
    const lostDispute = await helper<Stripe.Dispute>(`charges/${lost}/dispute`);
    await helper(`disputes/${lostDispute.id}/close`, { outcome: 'lost' });
    const wonDispute = await helper<Stripe.Dispute>(`charges/${won}/dispute`);
    await helper(`disputes/${wonDispute.id}/close`, { outcome: 'won' });
    const transfer = await stripe.transfers.create({
      amount: 10_000,
      currency: 'cny',
      destination: account,
      transfer_group: statement,
    });
    const reversal = await helper<Stripe.TransferReversal>(
      `transfers/${transfer.id}/dashboard_reversal`,
      { amount: 4_000 },
    );

    const line = async (source: string, index = 0) => (await balanceLinesOf(source))[index]!;
    const todo = [
      { bt: await line(lost), book: 'payment', counter: ACCOUNTS.escrow, refs: { orderId: o1 } },
      {
        bt: await line(refunded),
        book: 'payment',
        counter: ACCOUNTS.escrow,
        refs: { orderId: o2 },
      },
      { bt: await line(plain), book: 'payment', counter: ACCOUNTS.escrow, refs: { orderId: o3 } },
      { bt: await line(won), book: 'payment', counter: ACCOUNTS.escrow, refs: { orderId: o4 } },
      {
        bt: await line(dashboardRefund.id),
        book: 'refund',
        counter: ACCOUNTS.escrow,
        refs: { orderId: o2 },
      },
      {
        bt: await line(lostDispute.id),
        book: 'dispute',
        counter: ACCOUNTS.disputesHeld,
        refs: { orderId: o1 },
      },
      {
        bt: await line(wonDispute.id, 0),
        book: 'dispute',
        counter: ACCOUNTS.disputesHeld,
        refs: { orderId: o4 },
      },
      {
        bt: await line(wonDispute.id, 1),
        book: 'dispute',
        counter: ACCOUNTS.disputesHeld,
        refs: { orderId: o4 },
      },
      {
        bt: await line(transfer.id),
        book: 'payout',
        counter: ACCOUNTS.payoutsPending,
        refs: { statementId: statement },
      },
      {
        bt: await line(reversal.id),
        book: 'transfer_reversal',
        counter: ACCOUNTS.payoutsPending,
        refs: { statementId: statement },
      },
    ] as const;
    // Fees on every charge, and the dispute fee.
    expect(todo.slice(0, 4).map((t) => t.bt.fee)).toEqual([1_397, 420, 308, 700]);
    expect(todo[5].bt).toMatchObject({ amount: -39_900, fee: 1_500 });

    const reconcileToday = () =>
      // Three to a page: the processor's list is walked with `starting_after`.
      reconcilePeriod(
        deps.db,
        stripe,
        { from: today, to: today },
        {
          timeZone: tz,
          trigger: 'on_demand',
          pageSize: 3,
        },
      );

    // Nothing booked: each balance transaction is a finding that names it.
    const none = await reconcileToday();
    expect(none.findings.map((f) => f.balanceTransactionId).sort()).toEqual(
      todo.map((t) => t.bt.id).sort(),
    );
    expect(none.findings.every((f) => f.kind === 'unbooked' && f.companyId === a.companyId)).toBe(
      true,
    );
    expect(none.findings.map((f) => f.detailZh)).toContain(
      `支付通道有一笔拒付扣款 ¥399.00（${lostDispute.id}，手续费 ¥15.00）未入账`,
    );
    expect(none.findings.map((f) => f.detailZh)).toContain(
      `支付通道有一笔打款撤回 ¥40.00（${reversal.id}）未入账`,
    );

    // Booked one by one: until the last, the day has a finding, and it names exactly what is missing.
    for (const [i, step] of todo.entries()) {
      await book(step.bt, step.book, step.counter, step.refs);
      const run = await reconcileToday();
      const missing = todo.slice(i + 1);
      expect(run.findings.map((f) => [f.kind, f.sourceId])).toEqual(
        expect.arrayContaining(missing.map((m) => ['unbooked', m.bt.source])),
      );
      expect(run.findings).toHaveLength(missing.length);
    }

    const day = (await reconcileToday()).days.find((d) => d.companyId === null)!;
    expect(day).toMatchObject({ balanceTransactions: 10, entries: 10, findings: 0 });
    const auditor = await deps.factories.createPropertyUser(a.companyId, 'property_auditor');
    const seen = await (
      await callerFor(deps, auditor.id)
    ).audit.reconciliation({ from: today, to: today });
    expect(seen.days).toEqual([
      expect.objectContaining({ businessDate: today, status: 'reconciled', findings: 0 }),
    ]);
    expect(seen.findings).toEqual([]);
  });

  it('reports entries that move processor money without naming a balance transaction', async () => {
    // The seeded payments of three days ago name none.
    const day = addDays(today, -3);
    const run = await reconcilePeriod(
      deps.db,
      stripe,
      { from: day, to: day },
      {
        timeZone: tz,
        trigger: 'on_demand',
      },
    );
    expect(run.findings).toHaveLength(5);
    expect(new Set(run.findings.map((f) => f.kind))).toEqual(
      new Set(['entry_without_processor_object']),
    );
    expect(run.findings.filter((f) => f.companyId === a.companyId)).toHaveLength(4);
    expect(run.findings[0]!.detailZh).toMatch(
      /^账本中的一笔住户付款 ¥\d+\.\d{2} 没有对应的支付通道流水$/,
    );
  });

  it('scopes each day and finding to its company; what belongs to none is the operator’s', async () => {
    const statementB = await statementOf(deps.db, b.merchantIds[0]!);
    const accountB = (
      await deps.db.execute<{ account: string }>(
        sql`SELECT stripe_account_id AS account FROM merchants WHERE id = ${b.merchantIds[0]!}`,
      )
    ).rows[0]!.account;
    const transferB = await stripe.transfers.create({
      amount: 300,
      currency: 'cny',
      destination: accountB,
      transfer_group: statementB,
    });
    // A payment for nothing we sold: no order, no company.
    const stray = await paidCheckout(stripe, 1_000);

    const admin = await callerFor(deps, (await deps.factories.createPlatformAdmin()).id);
    const auditorOf = async (companyId: string) =>
      callerFor(deps, (await deps.factories.createPropertyUser(companyId, 'property_auditor')).id);
    const period = { from: today, to: today };
    const forOperator = await admin.audit.reconcile(period);
    const forA = await (await auditorOf(a.companyId)).audit.reconciliation(period);
    const forB = await (await auditorOf(b.companyId)).audit.reconciliation(period);
    const forC = await (
      await auditorOf((await deps.factories.createCompany()).id)
    ).audit.reconciliation(period);

    expect(forA.days[0]).toMatchObject({ status: 'reconciled', balanceTransactions: 10 });
    expect(forB.days[0]).toMatchObject({
      status: 'differences',
      findings: 1,
      balanceTransactions: 1,
    });
    expect(forB.findings.map((f) => f.sourceId)).toEqual([transferB.id]);
    expect(forB.findings[0]).toMatchObject({ kind: 'unbooked', statementId: statementB });
    expect(forC.days[0]).toMatchObject({ status: 'reconciled', balanceTransactions: 0 });
    expect(forC.findings).toEqual([]);
    expect(forOperator.days[0]).toMatchObject({ status: 'differences', findings: 2 });
    expect(forOperator.findings.map((f) => f.sourceId).sort()).toEqual(
      [transferB.id, stray.paymentIntent.latest_charge as string].sort(),
    );
  });

  it('keeps a pair on the processor’s day when the entry is booked after midnight, and re-checks open days nightly', async () => {
    const [o1] = await ordersOf(deps.db, b.companyId);
    const yesterday = addDays(today, -1);
    const charge = await chargeFor(o1!, 3_000);
    const [bt] = await balanceLinesOf(charge);
    // The processor took it at 23:59:59 yesterday (business time); we book it today.
    await deps.db.execute(sql`
      UPDATE stripe_sandbox.balance_transactions
         SET created_at = (${yesterday}::date + time '23:59:59.600') AT TIME ZONE ${tz}
       WHERE id = ${bt!.id}`);
    const now = new Date();
    const atNight = { from: yesterday, to: yesterday };

    const before = await reconcileNightly(deps.db, stripe, tz, now);
    expect(before.findings).toBeGreaterThan(0);
    const admin = await callerFor(deps, (await deps.factories.createPlatformAdmin()).id);
    const open = await admin.audit.reconciliation(atNight);
    expect(open.days[0]).toMatchObject({ status: 'differences', findings: 1 });
    expect(open.findings[0]).toMatchObject({ kind: 'unbooked', sourceId: charge });

    await book(await stripe.balanceTransactions.retrieve(bt!.id), 'payment', ACCOUNTS.escrow, {
      orderId: o1!,
    });
    // Today's run does not count yesterday's pair; the next night re-checks yesterday.
    const todayRun = await reconcilePeriod(
      deps.db,
      stripe,
      { from: today, to: today },
      {
        timeZone: tz,
        trigger: 'on_demand',
      },
    );
    expect(todayRun.matches.map((m) => m.balanceTransactionId)).not.toContain(bt!.id);
    expect(todayRun.findings.map((f) => f.balanceTransactionId)).not.toContain(bt!.id);
    await reconcileNightly(deps.db, stripe, tz, new Date(now.getTime() + 86_400_000));
    const closed = await admin.audit.reconciliation(atNight);
    expect(closed.days[0]).toMatchObject({ status: 'reconciled', findings: 0 });
  });

  it('refuses a period that is back to front or too long, and reads days never run as such', async () => {
    const admin = await callerFor(deps, (await deps.factories.createPlatformAdmin()).id);
    await expect(
      admin.audit.reconciliation({ from: today, to: addDays(today, -1) }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      admin.audit.reconcile({ from: addDays(today, -200), to: today }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      admin.audit.reconcile({ from: addDays(today, 2), to: addDays(today, 3) }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // Past days never reconciled are reconciled when read; today is not over.
    const read = await admin.audit.reconciliation({ from: addDays(today, -10), to: today });
    expect(read.days).toHaveLength(11);
    expect(read.days.filter((d) => d.status === 'not_reconciled').length).toBeLessThanOrEqual(1);
  });
});
