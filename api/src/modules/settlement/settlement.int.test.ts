import {
  journalEntries,
  ledgerPostings,
  merchants,
  orders,
  outbox,
  statementLines,
  statements,
} from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookSlot,
  callerFor,
  createPaymentTestDeps,
  payOrder,
  slotStartsIn,
  seedEligibleOrders,
  type PaymentTestDeps,
} from '../../testing';
import { checkInvariants } from '../audit/invariants.service';
import { recordRefund } from '../ledger/order-money';
import { buildStatements } from './build-statements';
import { markPayoutFailed, payStatement, sweepDuePayouts } from './pay-statement';

let deps: PaymentTestDeps;
beforeAll(async () => {
  deps = await createPaymentTestDeps();
});
afterAll(() => deps.teardown());

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
  );

/** Money in the processor, as residents' payments put it there (transfers draw on it). */
async function fundPlatform(amountFen: number) {
  const stripe = deps.payments.stripe;
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: { currency: 'cny', unit_amount: amountFen, product_data: { name: 'funding' } },
      },
    ],
    success_url: 'http://localhost/ok',
    cancel_url: 'http://localhost/cancel',
  });
  const res = await fetch(session.url!, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: 'outcome=succeeded',
  });
  expect(res.ok).toBe(true);
}

/** An onboarded merchant: a Connect account that can receive transfers. */
async function onboard(merchantId: string) {
  const stripe = deps.payments.stripe;
  const account = await stripe.accounts.create({
    type: 'express',
    metadata: { merchant_id: merchantId },
  });
  const link = await stripe.accountLinks.create({
    account: account.id,
    type: 'account_onboarding',
    refresh_url: 'http://localhost/r',
    return_url: 'http://localhost/d',
  });
  await fetch(link.url, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: 'outcome=completed',
  });
  await deps.db
    .update(merchants)
    .set({ stripeAccountId: account.id, payoutsEnabled: true, detailsSubmitted: true })
    .where(eq(merchants.id, merchantId));
  return account.id;
}

/** A paid order walked through to `confirmed` by the merchant and the resident. */
async function confirmedOrder(
  market: Awaited<ReturnType<PaymentTestDeps['factories']['createMarketplace']>>,
  quantity = 1,
) {
  // A visit books no more hours than its slot lasts: the slot is as long as the order.
  const startsAt = new Date(Date.now() + 24 * 3_600_000);
  const slot = await deps.factories.createSlot({
    serviceId: market.service.id,
    capacity: 50,
    startsAt,
    endsAt: new Date(startsAt.getTime() + Math.max(2, quantity) * 3_600_000),
  });
  const order = await bookSlot(deps, market.resident.id, slot.id, { quantity });
  await payOrder(deps, order.id);
  await slotStartsIn(deps, slot.id, 10);
  const merchant = await callerFor(deps, market.owner.id);
  for (const step of ['accept', 'start', 'complete'] as const)
    await merchant.merchant.orders[step]({ id: order.id });
  await (await callerFor(deps, market.resident.id)).order.confirm({ id: order.id });
  return order;
}

describe('settlement', () => {
  it('builds one statement per merchant, pays it once, and keeps every invariant', async () => {
    const f = deps.factories;
    const a = await f.createMarketplace();
    const b = await f.createMarketplace();
    await onboard(a.merchant.id);
    await onboard(b.merchant.id);
    await fundPlatform(1_000_000);
    // a: 2 confirmed orders of ¥50 × 3 and ¥50 × 1 → 20000 gross; b: one of ¥50 × 2 → 10000.
    await confirmedOrder(a, 3);
    await confirmedOrder(a, 1);
    const bOrder = await confirmedOrder(b, 2);

    const ops = await f.createPropertyUser(a.community.companyId, 'property_ops');
    const run = await buildStatements(deps.db, { merchantIds: [a.merchant.id, b.merchant.id] });
    expect(run.statements).toHaveLength(2);
    const [stA] = await deps.db
      .select()
      .from(statements)
      .where(eq(statements.merchantId, a.merchant.id));
    expect(stA).toMatchObject({
      status: 'pending',
      grossFen: 20_000,
      refundFen: 0,
      merchantFen: 14_000,
      platformFen: 6_000,
      carriedInFen: 0,
      payoutFen: 14_000,
      orderCount: 2,
    });
    const settledB = await deps.db.select().from(orders).where(eq(orders.id, bOrder.id));
    expect(settledB[0]).toMatchObject({ status: 'settled' });
    expect((await deps.db.select().from(statementLines)).length).toBe(3);
    // The payout job's outbox row has the statement's id, so BullMQ's jobId is the statement id.
    const jobs = await deps.db.select().from(outbox).where(eq(outbox.queue, 'payouts'));
    expect(jobs.map((j) => j.id).sort()).toEqual(run.statements.map((s) => s.id).sort());

    // Nothing is eligible twice.
    expect((await buildStatements(deps.db)).statements).toEqual([]);

    // Decided is not done: the payout is reserved out of the payable, not yet out of cash.
    expect(await payoutPhases(stA!.id)).toEqual([{ phase: 'pending', processorObjectId: null }]);
    expect(await (await callerFor(deps, a.owner.id)).merchant.earnings()).toMatchObject({
      payingFen: 14_000,
      paidFen: 0,
      balanceFen: 0,
    });
    expect(await accountOf(stA!.id, 'clearing:payouts')).toBe(-14_000);
    expect(await accountOf(stA!.id, 'cash:stripe')).toBe(0);
    expect((await checkInvariants(deps.db)).checks.filter((c) => !c.ok)).toEqual([]);

    expect(await payStatement(deps.db, deps.payments.stripe, stA!.id)).toBe('paid');
    expect(await payStatement(deps.db, deps.payments.stripe, stA!.id)).toBe('already_settled');
    const transfers = await deps.payments.stripe.transfers.list({ transfer_group: stA!.id });
    expect(transfers.data).toHaveLength(1);
    expect(transfers.data[0]).toMatchObject({ amount: 14_000, currency: 'cny' });
    const [paid] = await deps.db.select().from(statements).where(eq(statements.id, stA!.id));
    expect(paid).toMatchObject({ status: 'paid', transferId: transfers.data[0]!.id });
    // Posted once the processor made it, against the transfer's balance transaction.
    expect(await payoutPhases(stA!.id)).toEqual([
      { phase: 'pending', processorObjectId: null },
      { phase: 'post', processorObjectId: transfers.data[0]!.balance_transaction },
    ]);
    expect(await accountOf(stA!.id, 'clearing:payouts')).toBe(0);
    expect(await accountOf(stA!.id, 'cash:stripe')).toBe(-14_000);

    const earnings = await (await callerFor(deps, a.owner.id)).merchant.earnings();
    expect(earnings).toMatchObject({
      availableFen: 0,
      payingFen: 0,
      paidFen: 14_000,
      balanceFen: 0,
      carriedFen: 0,
    });
    const asOps = await callerFor(deps, ops.id);
    const invariants = await asOps.audit.invariants();
    expect(invariants.checks.filter((c) => !c.ok)).toEqual([]);
    expect(invariants.ok).toBe(true);
  });

  it('creates one transfer even when the connection drops after Stripe stored it, or the worker died before recording it', async () => {
    const f = deps.factories;
    const m = await f.createMarketplace();
    await onboard(m.merchant.id);
    await fundPlatform(100_000);
    await confirmedOrder(m);
    await confirmedOrder(m);
    const [first] = (await buildStatements(deps.db, { merchantIds: [m.merchant.id] })).statements;

    deps.sandbox.faults.inject({
      kind: 'drop_after_commit',
      method: 'POST',
      path: '/v1/transfers',
      times: 1,
    });
    expect(await payStatement(deps.db, deps.payments.stripe, first!.id)).toBe('paid');
    expect(
      (await deps.payments.stripe.transfers.list({ transfer_group: first!.id })).data,
    ).toHaveLength(1);

    // A worker that died between Stripe's answer and our commit: the transfer exists, the row is unpaid.
    await confirmedOrder(m);
    const [second] = (await buildStatements(deps.db, { merchantIds: [m.merchant.id] })).statements;
    const [row] = await deps.db.select().from(statements).where(eq(statements.id, second!.id));
    const [merchant] = await deps.db
      .select()
      .from(merchants)
      .where(eq(merchants.id, m.merchant.id));
    const early = await deps.payments.stripe.transfers.create(
      {
        amount: row!.payoutFen,
        currency: 'cny',
        destination: merchant!.stripeAccountId!,
        transfer_group: row!.id,
        metadata: { statement_id: row!.id, merchant_id: row!.merchantId },
      },
      { idempotencyKey: row!.id },
    );
    expect(await payStatement(deps.db, deps.payments.stripe, second!.id)).toBe('paid');
    const all = await deps.payments.stripe.transfers.list({ transfer_group: second!.id });
    expect(all.data.map((t) => t.id)).toEqual([early.id]);
    expect((await checkInvariants(deps.db)).ok).toBe(true);
  });

  it('carries a negative balance (a refund after the payout) into the next statement', async () => {
    const f = deps.factories;
    const m = await f.createMarketplace();
    await onboard(m.merchant.id);
    await fundPlatform(100_000);
    const order = await confirmedOrder(m, 2); // 10000: merchant 7000, platform 3000
    const [st] = (await buildStatements(deps.db, { merchantIds: [m.merchant.id] })).statements;
    await payStatement(deps.db, deps.payments.stripe, st!.id);

    // A goodwill refund of the whole order after it was paid out.
    await deps.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(orders)
        .set({ refundFen: sql`${orders.refundFen} + 10000` })
        .where(eq(orders.id, order.id))
        .returning();
      await recordRefund(tx, updated!, 10_000, 'goodwill');
    });
    const earnings = await (await callerFor(deps, m.owner.id)).merchant.earnings();
    expect(earnings.balanceFen).toBe(-7_000);

    await confirmedOrder(m, 4); // 20000: merchant 14000
    const [next] = (await buildStatements(deps.db, { merchantIds: [m.merchant.id] })).statements;
    const [row] = await deps.db.select().from(statements).where(eq(statements.id, next!.id));
    expect(row).toMatchObject({
      merchantFen: 14_000,
      carriedInFen: -7_000,
      payoutFen: 7_000,
      status: 'pending',
    });
    await payStatement(deps.db, deps.payments.stripe, row!.id);
    expect((await checkInvariants(deps.db)).checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('lets a merchant without payouts accrue until onboarded', async () => {
    const m = await deps.factories.createMarketplace();
    await confirmedOrder(m);
    expect((await buildStatements(deps.db, { merchantIds: [m.merchant.id] })).statements).toEqual(
      [],
    );
    const earnings = await (await callerFor(deps, m.owner.id)).merchant.earnings();
    expect(earnings.availableFen).toBe(3_500);
    await onboard(m.merchant.id);
    expect(
      (await buildStatements(deps.db, { merchantIds: [m.merchant.id] })).statements,
    ).toHaveLength(1);
  });

  it('keeps late-cancellation fees and dispute resolutions in the split, with escrow closed', async () => {
    const f = deps.factories;
    const m = await f.createMarketplace();
    const slot = await f.createSlot({ serviceId: m.service.id, startsInMinutes: 90 });
    const order = await bookSlot(deps, m.resident.id, slot.id, { quantity: 2 }); // 10000
    await payOrder(deps, order.id);
    const cancelled = await (
      await callerFor(deps, m.resident.id)
    ).order.cancel({ id: order.id, reason: '有事' });
    expect(cancelled.refundFen).toBe(8_000);
    const [row] = await deps.db.select().from(orders).where(eq(orders.id, order.id));
    // The 2000 fee is earned: 1400 merchant, 600 platform.
    expect(row).toMatchObject({ merchantShareFen: 1_400, platformShareFen: 600 });
    expect((await checkInvariants(deps.db)).checks.filter((c) => !c.ok)).toEqual([]);
  });
});

describe('the ledger', () => {
  it('refuses UPDATE, DELETE and unbalanced entries', async () => {
    const m = await deps.factories.createMarketplace();
    await confirmedOrder(m);
    const postings = await deps.db.select().from(ledgerPostings).limit(1);
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => 'allowed',
        (e: Error & { cause?: { message?: string } }) => e.cause?.message ?? e.message,
      );
    expect(
      await refusal(
        deps.db.execute(
          sql`UPDATE ledger_postings SET amount_fen = 1 WHERE id = ${postings[0]!.id}`,
        ),
      ),
    ).toMatch(/append-only/);
    expect(await refusal(deps.db.execute(sql`DELETE FROM ledger_postings`))).toMatch(/append-only/);
    expect(await refusal(deps.db.execute(sql`DELETE FROM journal_entries`))).toMatch(/append-only/);
    expect(await refusal(deps.db.execute(sql`TRUNCATE ledger_postings CASCADE`))).toMatch(
      /append-only/,
    );
    expect(
      await refusal(
        deps.db.transaction(async (tx) => {
          const { rows } = await tx.execute<{ id: string }>(
            sql`INSERT INTO journal_entries (kind, idempotency_key) VALUES ('payment', 'bad-entry') RETURNING id`,
          );
          await tx.execute(
            sql`INSERT INTO ledger_postings (entry_id, account, amount_fen) VALUES (${rows[0]!.id}, 'cash:stripe', 5), (${rows[0]!.id}, 'escrow:order', -4)`,
          );
        }),
      ),
    ).toMatch(/does not balance/);
  });
});

describe('commission rules', () => {
  it('freezes the most specific rule in force at payment on the order', async () => {
    const f = deps.factories;
    const m = await f.createMarketplace();
    const ops = await callerFor(
      deps,
      (await f.createPropertyUser(m.community.companyId, 'property_ops')).id,
    );
    const before = await bookSlot(
      deps,
      m.resident.id,
      (await f.createSlot({ serviceId: m.service.id })).id,
    );
    await payOrder(deps, before.id); // default 3000
    await ops.commission.create({
      scope: { kind: 'category', category: 'housekeeping' },
      platformBps: 2000,
      effectiveFrom: new Date(Date.now() - 1000).toISOString(),
    });
    const byCategory = await bookSlot(
      deps,
      m.resident.id,
      (await f.createSlot({ serviceId: m.service.id })).id,
    );
    await payOrder(deps, byCategory.id);
    await ops.commission.create({
      scope: { kind: 'merchant', merchantId: m.merchant.id },
      platformBps: 1500,
      effectiveFrom: new Date(Date.now() - 1000).toISOString(),
    });
    await ops.commission.create({
      scope: { kind: 'merchant', merchantId: m.merchant.id },
      platformBps: 100,
      effectiveFrom: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const byMerchant = await bookSlot(
      deps,
      m.resident.id,
      (await f.createSlot({ serviceId: m.service.id })).id,
    );
    await payOrder(deps, byMerchant.id);
    const bps = async (id: string) =>
      (await deps.db.select().from(orders).where(eq(orders.id, id)))[0]!.platformBps;
    expect([await bps(before.id), await bps(byCategory.id), await bps(byMerchant.id)]).toEqual([
      3000, 2000, 1500,
    ]);
  });

  it('only operations add rules, within their company', async () => {
    const f = deps.factories;
    const m = await f.createMarketplace();
    const other = await f.createMarketplace();
    const auditor = await callerFor(
      deps,
      (await f.createPropertyUser(m.community.companyId, 'property_auditor')).id,
    );
    const ops = await callerFor(
      deps,
      (await f.createPropertyUser(m.community.companyId, 'property_ops')).id,
    );
    const input = {
      scope: { kind: 'company' as const },
      platformBps: 2500,
      effectiveFrom: new Date().toISOString(),
    };
    expect(await codeOf(auditor.commission.create(input))).toBe('FORBIDDEN');
    expect(
      await codeOf(
        ops.commission.create({
          ...input,
          scope: { kind: 'merchant', merchantId: other.merchant.id },
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect(await codeOf(ops.commission.create({ ...input, platformBps: 10_001 }))).toBe(
      'BAD_REQUEST',
    );
  });
});

describe('who may see statements', () => {
  it('keeps statements to their merchant and company', async () => {
    const f = deps.factories;
    const a = await f.createMarketplace();
    await onboard(a.merchant.id);
    await confirmedOrder(a);
    const [st] = (await buildStatements(deps.db, { merchantIds: [a.merchant.id] })).statements;
    const rival = await f.createMarketplace();
    const rivalOwner = await callerFor(deps, rival.owner.id);
    expect(await codeOf(rivalOwner.merchant.statements.get({ id: st!.id }))).toBe('NOT_FOUND');
    expect((await rivalOwner.merchant.statements.list()).items).toEqual([]);
    const own = await (await callerFor(deps, a.owner.id)).merchant.statements.get({ id: st!.id });
    expect(own.lines).toHaveLength(1);
    expect(own).toMatchObject({
      grossFen: 5_000,
      merchantFen: 3_500,
      platformFen: 1_500,
      orderCount: 1,
    });
    const outsider = await callerFor(
      deps,
      (await f.createPropertyUser(rival.community.companyId, 'property_auditor')).id,
    );
    expect(await codeOf(outsider.settlement.statement({ id: st!.id }))).toBe('NOT_FOUND');
    expect(await codeOf((await callerFor(deps, a.resident.id)).settlement.runNow())).toBe(
      'FORBIDDEN',
    );
    expect(await codeOf(outsider.settlement.runNow())).toBe('FORBIDDEN');
  });

  it('reports revenue shares by merchant, category and day that add up', async () => {
    const f = deps.factories;
    const m = await f.createMarketplace();
    await confirmedOrder(m, 2);
    await confirmedOrder(m, 1);
    const auditor = await callerFor(
      deps,
      (await f.createPropertyUser(m.community.companyId, 'property_auditor')).id,
    );
    const range = {
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date(Date.now() + 86_400_000).toISOString(),
    };
    for (const groupBy of ['merchant', 'category', 'day', 'month'] as const) {
      const report = await auditor.audit.revenueShare({ ...range, groupBy });
      expect(report.totals).toMatchObject({
        grossFen: 15_000,
        netFen: 15_000,
        merchantFen: 10_500,
        platformFen: 4_500,
        orderCount: 2,
      });
    }
  });
});

describe('payouts whose job is gone', () => {
  it('get a new payout job once past their due time by the resend delay, and only once', async () => {
    const seed = await seedEligibleOrders(deps.db, { merchants: 3, orders: 9 });
    const run = await buildStatements(deps.db, { merchantIds: seed.merchantIds });
    const [failed, ...pending] = run.statements.map((s) => s.id);
    const payoutJobs = (id: string) =>
      deps.db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM outbox WHERE queue = 'payouts' AND payload->>'statementId' = ${id}`,
      );
    // Other tests of this file left statements of their own; look at this run's.
    const ours = (ids: string[]) => ids.filter((id) => run.statements.some((s) => s.id === id));
    // Just settled: each payout has its job and is not overdue, nothing to do.
    expect(ours(await sweepDuePayouts(deps.db, 60))).toEqual([]);

    // An hour later the payouts are long overdue; one statement failed meanwhile (ops retry it).
    await deps.db.execute(
      sql`UPDATE statements SET payout_due_at = now() - interval '1 hour' WHERE run_id = ${run.runId}`,
    );
    await markPayoutFailed(deps.db, failed!, 'refused');
    expect(ours(await sweepDuePayouts(deps.db, 60)).sort()).toEqual([...pending].sort());
    // Sent again means due again from now: not again within the delay.
    expect(ours(await sweepDuePayouts(deps.db, 60))).toEqual([]);
    for (const id of pending) expect((await payoutJobs(id)).rows[0]!.n).toBe(2);
    expect((await payoutJobs(failed!)).rows[0]!.n).toBe(1);
  });
});

/** The payout entries of a statement, oldest first: their phase and the processor object booked. */
async function payoutPhases(statementId: string) {
  return deps.db
    .select({ phase: journalEntries.phase, processorObjectId: journalEntries.processorObjectId })
    .from(journalEntries)
    .where(
      sql`${journalEntries.statementId} = ${statementId} AND ${journalEntries.kind} = 'payout'`,
    )
    .orderBy(asc(journalEntries.createdAt), asc(journalEntries.idempotencyKey));
}

/** The balance of one account's postings for a statement. */
async function accountOf(statementId: string, account: string): Promise<number> {
  const { rows } = await deps.db.execute<{ total: string }>(
    sql`SELECT coalesce(sum(amount_fen), 0)::text AS total FROM ledger_postings
         WHERE statement_id = ${statementId} AND account = ${account}`,
  );
  return Number(rows[0]!.total);
}

/** The cash side of every payout posting of a statement: one line per transfer booked. */
async function payoutPostings(statementId: string): Promise<number[]> {
  const rows = await deps.db
    .select({ amountFen: ledgerPostings.amountFen })
    .from(ledgerPostings)
    .where(
      sql`${ledgerPostings.statementId} = ${statementId} AND ${ledgerPostings.account} = 'cash:stripe'`,
    );
  return rows.map((r) => r.amountFen);
}

describe('a payout the processor agrees with', () => {
  it('looks the transfer up before a retry, so lost answers and an expired key never pay twice', async () => {
    const m = await deps.factories.createMarketplace();
    await onboard(m.merchant.id);
    await fundPlatform(100_000);
    await confirmedOrder(m);
    const [statement] = (await buildStatements(deps.db, { merchantIds: [m.merchant.id] }))
      .statements;
    // The transfer is made at the processor, but every answer to every attempt is lost.
    deps.sandbox.faults.inject({
      kind: 'drop_after_commit',
      method: 'POST',
      path: '/v1/transfers',
      times: 10,
    });
    const noRetry = deps.sandbox.stripe({ maxNetworkRetries: 0 });
    await expect(payStatement(deps.db, noRetry, statement!.id)).rejects.toThrow();
    deps.sandbox.faults.clear();
    await markPayoutFailed(deps.db, statement!.id, 'connection lost');
    // Given up: the reservation is voided, the amount is the merchant's payable again.
    expect((await payoutPhases(statement!.id)).map((e) => e.phase)).toEqual(['pending', 'void']);
    expect(await accountOf(statement!.id, 'clearing:payouts')).toBe(0);
    expect((await checkInvariants(deps.db)).checks.filter((c) => !c.ok)).toEqual([]);
    // A day later Stripe has forgotten the key; ops press retry.
    await deps.sandbox.forgetIdempotencyKeys();
    const ops = await callerFor(
      deps,
      (await deps.factories.createPropertyUser(m.community.companyId, 'property_ops')).id,
    );
    await ops.settlement.retryPayout({ id: statement!.id });
    expect(await payStatement(deps.db, deps.payments.stripe, statement!.id)).toBe('paid');

    const made = await deps.payments.stripe.transfers.list({ transfer_group: statement!.id });
    expect(made.data).toHaveLength(1);
    const [row] = await deps.db.select().from(statements).where(eq(statements.id, statement!.id));
    expect(row).toMatchObject({ status: 'paid', transferId: made.data[0]!.id });
    expect(await payoutPostings(statement!.id)).toEqual([-statement!.payoutFen]);
    // Retried is decided again: reserved again, then posted against the transfer found.
    expect(await payoutPhases(statement!.id)).toEqual([
      { phase: 'pending', processorObjectId: null },
      { phase: 'void', processorObjectId: null },
      { phase: 'pending', processorObjectId: null },
      { phase: 'post', processorObjectId: made.data[0]!.balance_transaction },
    ]);
    expect((await checkInvariants(deps.db)).checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('after balance_insufficient (replayed under its key) pays once funds arrive, with a new key', async () => {
    const m = await deps.factories.createMarketplace();
    await onboard(m.merchant.id);
    await confirmedOrder(m);
    const [statement] = (await buildStatements(deps.db, { merchantIds: [m.merchant.id] }))
      .statements;
    const available = (await deps.payments.stripe.balance.retrieve()).available[0]!.amount;
    // Spend everything so the payout cannot be covered.
    if (available > 0) {
      const sink = await onboard((await deps.factories.createMarketplace()).merchant.id);
      await deps.payments.stripe.transfers.create({
        amount: available,
        currency: 'cny',
        destination: sink,
      });
    }
    await expect(payStatement(deps.db, deps.payments.stripe, statement!.id)).rejects.toMatchObject({
      code: 'balance_insufficient',
    });
    await fundPlatform(statement!.payoutFen);
    expect(await payStatement(deps.db, deps.payments.stripe, statement!.id)).toBe('paid');
    const made = await deps.payments.stripe.transfers.list({ transfer_group: statement!.id });
    expect(made.data.map((t) => t.amount)).toEqual([statement!.payoutFen]);
    expect(await payoutPostings(statement!.id)).toEqual([-statement!.payoutFen]);
  });
});
