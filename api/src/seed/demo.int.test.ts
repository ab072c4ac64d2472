import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../modules/audit/invariants.service';
import { callerFor, createTestDeps, type TestDeps } from '../testing';
import { seedDemo } from './demo';

let first: TestDeps;
let second: TestDeps;
beforeAll(async () => {
  [first, second] = await Promise.all([createTestDeps(), createTestDeps()]);
});
afterAll(() => Promise.all([first?.teardown(), second?.teardown()]));

/** The history's shape, free of ids and of the instant it was seeded. */
async function shape(deps: TestDeps) {
  const { rows } = await deps.db.execute<Record<string, unknown>>(sql`
    SELECT m.name, o.status, o.mode, o.ring, u.label,
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
    await seedDemo(first.db, { history: true });
    const took = Date.now() - started;
    expect(took).toBeLessThan(30_000);

    const { rows } = await first.db.execute<Record<string, number>>(sql`
      SELECT (SELECT count(*)::int FROM orders WHERE status = 'confirmed') AS confirmed,
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
  }, 90_000);

  it('is the same every time it is seeded', async () => {
    await seedDemo(second.db, { history: true });
    expect(await shape(second)).toEqual(await shape(first));
  }, 90_000);
});
