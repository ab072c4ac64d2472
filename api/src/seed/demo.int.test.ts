import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../modules/audit/invariants.service';
import {
  callerFor,
  createPaymentTestDeps,
  createTestDeps,
  type PaymentTestDeps,
  type TestDeps,
} from '../testing';
import { seedDemo } from './demo';

let first: PaymentTestDeps;
let second: TestDeps;
beforeAll(async () => {
  [first, second] = await Promise.all([createPaymentTestDeps(), createTestDeps()]);
});

const processorOf = (deps: PaymentTestDeps) => ({
  payments: deps.payments,
  env: deps.env,
  logger: deps.logger,
});
afterAll(() => Promise.all([first?.teardown(), second?.teardown()]));

/** The history's shape, free of ids and of the instant it was seeded. */
async function shape(deps: TestDeps) {
  const { rows } = await deps.db.execute<Record<string, unknown>>(sql`
    SELECT m.name, o.status IN ('confirmed', 'settled') AS done, o.mode, o.ring, u.label,
           (now()::date - o.completed_at::date) AS days_ago, r.rating, r.automatic,
           o.arrived_at > o.arrive_due_at AS late
      FROM orders o JOIN merchants m ON m.id = o.merchant_id JOIN units u ON u.id = o.unit_id
      LEFT JOIN order_reviews r ON r.order_id = o.id
     ORDER BY o.idempotency_key`);
  return rows;
}

describe('the demo’s 60 days of history', () => {
  it('is seeded in seconds, keeps the books balanced and gives the quality dashboard its months', async () => {
    const started = Date.now();
    await seedDemo(first.db, { history: true, processor: processorOf(first) });
    const took = Date.now() - started;
    expect(took).toBeLessThan(30_000);

    const { rows } = await first.db.execute<Record<string, number>>(sql`
      SELECT (SELECT count(*)::int FROM orders WHERE status IN ('confirmed', 'settled')) AS confirmed,
             (SELECT count(DISTINCT merchant_id)::int FROM orders) AS merchants,
             (SELECT count(DISTINCT to_char(completed_at, 'YYYY-MM'))::int FROM orders) AS months,
             (SELECT min(now()::date - completed_at::date)::int FROM orders) AS newest,
             (SELECT max(now()::date - completed_at::date)::int FROM orders) AS oldest,
             (SELECT count(*)::int FROM order_reviews WHERE NOT automatic) AS rated,
             (SELECT count(*)::int FROM order_reviews WHERE automatic) AS defaults,
             (SELECT count(*)::int FROM orders WHERE mode = 'on_demand') AS on_demand,
             (SELECT count(*)::int FROM orders WHERE arrived_at > arrive_due_at) AS late,
             (SELECT count(*)::int FROM sla_breaches WHERE step = 'arrive') AS breaches,
             (SELECT count(*)::int FROM callback_runs) AS runs,
             (SELECT count(*)::int FROM callback_tasks WHERE status = 'done') AS called,
             (SELECT count(*)::int FROM quality_tickets WHERE resolved_at IS NOT NULL) AS resolved,
             (SELECT count(*)::int FROM orders WHERE resident_id IN
                (SELECT id FROM users WHERE phone IN ('13800000001', '13800000002'))) AS demo_accounts`);
    const r = rows[0]!;
    expect(r.confirmed).toBeGreaterThan(150);
    expect(r.merchants).toBe(3);
    expect(r.months).toBeGreaterThanOrEqual(2);
    expect(r.newest).toBeLessThanOrEqual(2);
    expect(r.oldest).toBeGreaterThanOrEqual(58);
    expect(r.rated).toBeGreaterThan(r.defaults!);
    expect(r.defaults).toBeGreaterThan(0);
    expect(r.on_demand).toBeGreaterThan(10);
    expect(r.late).toBeGreaterThan(0);
    expect(r.breaches).toBe(r.late);
    expect(r.runs).toBeGreaterThanOrEqual(1);
    expect(r.called).toBeGreaterThan(0);
    expect(r.resolved).toBeGreaterThan(0);
    // The demo accounts start with a clean order list of their own.
    expect(r.demo_accounts).toBe(0);

    // Money went through the ledger like any order's: every invariant holds.
    const invariants = await checkInvariants(first.db);
    expect(invariants.checks.filter((c) => !c.ok)).toEqual([]);

    // The console's dashboard has past months to compare.
    const [ops] = (
      await first.db.execute<{ id: string }>(sql`SELECT id FROM users WHERE phone = '13700000002'`)
    ).rows;
    const kpis = await (
      await callerFor(first, ops!.id)
    ).quality.kpis({
      from: new Date(Date.now() - 61 * 86_400_000).toISOString(),
      to: new Date().toISOString(),
      groupBy: 'month',
    });
    expect(kpis.rows.length).toBeGreaterThanOrEqual(2);
    expect(kpis.totals.satisfaction.score).toBeGreaterThan(4);
    expect(kpis.totals.onTimeArrival.count).toBeGreaterThan(0);
    expect(kpis.totals.tickets.meanHandlingHours).not.toBeNull();

    // Service cards carry each merchant's score and count from the history's ratings.
    const [resident] = (
      await first.db.execute<{ id: string }>(sql`SELECT id FROM users WHERE phone = '13800000001'`)
    ).rows;
    const catalog = await (await callerFor(first, resident!.id)).catalog.services({});
    expect(catalog.items.length).toBeGreaterThan(0);
    for (const service of catalog.items) {
      expect(service.merchant.ratingCount).toBeGreaterThan(10);
      expect(service.merchant.rating).toBeGreaterThan(4);
    }
    // The desk residents call, in 我的.
    expect(await (await callerFor(first, resident!.id)).me.serviceDesk()).toMatchObject({
      phone: '0571-88886666',
    });
  }, 90_000);

  it('has last month settled by the real settlement and payouts, one transfer per statement', async () => {
    const userId = async (phone: string) =>
      (await first.db.execute<{ id: string }>(sql`SELECT id FROM users WHERE phone = ${phone}`))
        .rows[0]!.id;
    const { rows: bounds } = await first.db.execute<{ last: string; this: string }>(sql`
      SELECT (date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - interval '1 month')
               AT TIME ZONE 'Asia/Shanghai' AS last,
             date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS this`);
    const lastMonth = { from: new Date(bounds[0]!.last), to: new Date(bounds[0]!.this) };

    // Every merchant onboarded at the processor, with one paid statement per merchant.
    const { rows: statements } = await first.db.execute<{
      id: string;
      status: string;
      payout_fen: string;
      transfer_id: string;
      account: string;
      order_count: number;
      orders_before: boolean;
    }>(sql`
      SELECT s.id, s.status, s.payout_fen, s.transfer_id, m.stripe_account_id AS account, s.order_count,
             bool_and(o.earned_at < ${lastMonth.to.toISOString()}::timestamptz) AS orders_before
        FROM statements s JOIN merchants m ON m.id = s.merchant_id
        JOIN statement_lines l ON l.statement_id = s.id JOIN orders o ON o.id = l.order_id
       GROUP BY s.id, m.stripe_account_id`);
    expect(statements).toHaveLength(3);
    const stripe = first.payments.stripe;
    for (const s of statements) {
      expect(s).toMatchObject({ status: 'paid', orders_before: true });
      expect(s.order_count).toBeGreaterThan(0);
      const transfers = await stripe.transfers.list({ transfer_group: s.id, limit: 10 });
      expect(transfers.data).toHaveLength(1);
      expect(transfers.data[0]).toMatchObject({
        id: s.transfer_id,
        amount: Number(s.payout_fen),
        destination: s.account,
      });
    }
    // The processor holds the history's payments, dated when they were paid, less the transfers.
    const { rows: money } = await first.db.execute<Record<string, number>>(sql`
      SELECT (SELECT coalesce(sum(amount), 0)::int FROM stripe_sandbox.balance_transactions) AS processor,
             (SELECT coalesce(sum(amount_fen), 0)::int FROM ledger_postings WHERE account = 'cash:stripe') AS ledger,
             (SELECT count(DISTINCT created_at::date)::int FROM stripe_sandbox.balance_transactions
               WHERE type = 'charge') AS charge_days,
             (SELECT count(DISTINCT created_at::date)::int FROM journal_entries WHERE kind = 'payment') AS payment_days,
             (SELECT count(*)::int FROM payments WHERE status = 'succeeded' AND payment_method_type IS NULL) AS no_method`);
    expect(money[0]!.processor).toBe(money[0]!.ledger);
    expect(money[0]!.charge_days).toBeGreaterThanOrEqual(55);
    expect(money[0]!.payment_days).toBeGreaterThanOrEqual(55);
    expect(money[0]!.no_method).toBe(0);

    // The console's revenue report for last month, by day and by merchant, has the history.
    const auditor = await callerFor(first, await userId('13700000001'));
    const range = { from: lastMonth.from.toISOString(), to: lastMonth.to.toISOString() };
    const byMerchant = await auditor.audit.revenueShare({ ...range, groupBy: 'merchant' });
    expect(byMerchant.rows).toHaveLength(3);
    expect(byMerchant.totals.merchantFen).toBeGreaterThan(0);
    const byDay = await auditor.audit.revenueShare({ ...range, groupBy: 'day' });
    expect(byDay.rows.length).toBeGreaterThanOrEqual(25);

    // Each merchant's earnings: last month paid out, this month's earnings waiting.
    for (const phone of ['13900000001', '13900000002', '13900000003']) {
      const owner = await callerFor(first, await userId(phone));
      const earnings = await owner.merchant.earnings();
      expect(earnings.paidFen).toBeGreaterThan(0);
      expect(earnings.availableFen).toBeGreaterThan(0);
      const list = await owner.merchant.statements.list({});
      expect(list.items.map((s) => s.status)).toEqual(['paid']);
    }

    const ops = await callerFor(first, await userId('13700000002'));
    const invariants = await ops.audit.invariants();
    expect(invariants.checks.filter((c) => !c.ok)).toEqual([]);
    // Every processor balance transaction of the last 30 days matches one ledger entry, and back.
    const reconciled = await ops.audit.reconcile({});
    expect(reconciled.findings).toEqual([]);
    expect(reconciled.days.length).toBeGreaterThanOrEqual(29);
    expect(reconciled.days.filter((d) => d.status !== 'reconciled')).toEqual([]);
  }, 90_000);

  it('is the same every time it is seeded', async () => {
    await seedDemo(second.db, { history: true });
    expect(await shape(second)).toEqual(await shape(first));
  }, 90_000);
});
