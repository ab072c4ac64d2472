import { orders, refunds, statements } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSlot, callerFor, createTestDeps, type TestDeps } from '../../testing';
import { changeBps } from './dashboard.service';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

type Market = Awaited<ReturnType<TestDeps['factories']['createMarketplace']>>;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
  );

/** A business-day time (Asia/Shanghai wall clock) as SQL, e.g. at('2026-03-15 23:30'). */
const at = (wall: string) => sql`(${wall}::timestamp AT TIME ZONE ${deps.env.TZ_BUSINESS})`;
/** Midnight of the business day `days` from today, as SQL. */
const dayStart = (days: number) =>
  sql`(((now() AT TIME ZONE ${deps.env.TZ_BUSINESS})::date + ${days}::int)::timestamp AT TIME ZONE ${deps.env.TZ_BUSINESS})`;

/**
 * An order booked through the API, then set to known money and times: paid at `paidAt` for
 * `totalFen`, and (when `earnedAt` is given) earned with `platformFen` as the platform's share.
 */
async function orderOf(
  market: Market,
  money: {
    totalFen: number;
    paidAt: ReturnType<typeof sql>;
    earnedAt?: ReturnType<typeof sql>;
    platformFen?: number;
  },
) {
  const slot = await deps.factories.createSlot({ serviceId: market.service.id, capacity: 50 });
  const order = await bookSlot(deps, market.resident.id, slot.id);
  const earned = money.earnedAt !== undefined;
  await deps.db
    .update(orders)
    .set({
      unitPriceFen: money.totalFen,
      totalFen: money.totalFen,
      status: earned ? 'confirmed' : 'paid',
      paidAt: money.paidAt,
      earnedAt: money.earnedAt ?? null,
      platformBps: 3000,
      platformShareFen: earned ? money.platformFen! : null,
      merchantShareFen: earned ? money.totalFen - money.platformFen! : null,
    })
    .where(eq(orders.id, order.id));
  return order;
}

async function staffOf(market: Market) {
  const f = deps.factories;
  const auditor = await f.createPropertyUser(market.community.companyId, 'property_auditor');
  const ops = await f.createPropertyUser(market.community.companyId, 'property_ops');
  return { auditor: await callerFor(deps, auditor.id), ops: await callerFor(deps, ops.id) };
}

describe('console.kpis', () => {
  it("counts today's orders, gross, platform share, open refunds and payouts and unreconciled days, per company", async () => {
    const a = await deps.factories.createMarketplace();
    const b = await deps.factories.createMarketplace();
    const staffA = await staffOf(a);
    const staffB = await staffOf(b);
    const admin = await callerFor(deps, (await deps.factories.createPlatformAdmin()).id);

    // Nothing yet: zeros, and no reconciliation has ever run.
    expect(await staffA.auditor.console.kpis()).toMatchObject({
      today: { orderCount: 0, gmvFen: 0, platformFen: 0 },
      pendingRefunds: { count: 0, amountFen: 0 },
      pendingPayouts: { count: 0, amountFen: 0 },
      unreconciledDays: null,
    });

    // Company A: two orders paid today (123.45 + 200.00), one of them also earned today (37.04);
    // one paid yesterday and earned today (share 15.00); one paid and earned yesterday.
    const now = sql`now()`;
    const first = await orderOf(a, {
      totalFen: 12_345,
      paidAt: now,
      earnedAt: now,
      platformFen: 3_704,
    });
    await orderOf(a, { totalFen: 20_000, paidAt: now });
    await orderOf(a, {
      totalFen: 5_000,
      paidAt: dayStart(-1),
      earnedAt: now,
      platformFen: 1_500,
    });
    await orderOf(a, {
      totalFen: 7_000,
      paidAt: dayStart(-1),
      earnedAt: dayStart(-1),
      platformFen: 2_100,
    });
    // Company B: one order paid and earned today.
    const other = await orderOf(b, {
      totalFen: 77_700,
      paidAt: now,
      earnedAt: now,
      platformFen: 23_310,
    });

    // Refunds: A has one being sent (50.00) and one refused, waiting for ops (10.00); one done.
    await deps.db.insert(refunds).values([
      { orderId: first.id, amountFen: 5_000, cause: 'resolveRefund', status: 'pending' },
      { orderId: first.id, amountFen: 1_000, cause: 'resolveRefund', status: 'failed' },
      { orderId: first.id, amountFen: 300, cause: 'resolveRefund', status: 'succeeded' },
      { orderId: other.id, amountFen: 900, cause: 'resolveRefund', status: 'pending' },
    ]);
    // Payouts: A has one queued (70.00) and one failed (30.50); one paid and one carried are done.
    const statement = (
      merchantId: string,
      status: 'pending' | 'failed' | 'paid' | 'carried',
      payoutFen: number,
    ) => ({
      merchantId,
      runId: randomUUID(),
      status,
      grossFen: 10_000,
      refundFen: 0,
      merchantFen: 7_000,
      platformFen: 3_000,
      payoutFen,
      orderCount: 1,
    });
    await deps.db
      .insert(statements)
      .values([
        statement(a.merchant.id, 'pending', 7_000),
        statement(a.merchant.id, 'failed', 3_050),
        statement(a.merchant.id, 'paid', 7_000),
        statement(a.merchant.id, 'carried', 0),
        statement(b.merchant.id, 'pending', 4_400),
      ]);

    // Reconciliation: a run over the four days before today found one difference, on yesterday,
    // about company A's refund; the deployment's row of each day names that run.
    const day = (n: number) =>
      sql`((now() AT TIME ZONE ${deps.env.TZ_BUSINESS})::date + ${n}::int)`;
    const [run] = (
      await deps.db.execute<{ id: string }>(sql`
        INSERT INTO reconciliation_runs (period_from, period_to, trigger, balance_transactions, entries, findings, started_at)
        VALUES (${day(-4)}, ${day(-1)}, 'nightly', 0, 0, 1, now()) RETURNING id`)
    ).rows;
    await deps.db.execute(sql`
      INSERT INTO reconciliation_days (business_date, company_id, run_id, balance_transactions, entries, findings)
      SELECT ${day(0)} + g, NULL, ${run!.id}::uuid, 0, 0, CASE WHEN g = -1 THEN 1 ELSE 0 END
        FROM generate_series(-4, -1) g`);
    const [aRefund] = await deps.db
      .select({ id: refunds.id })
      .from(refunds)
      .where(eq(refunds.amountFen, 1_000));
    await deps.db.execute(sql`
      INSERT INTO reconciliation_findings (run_id, business_date, company_id, kind, entry_ids, refund_id, detail_zh, detail_en)
      VALUES (${run!.id}::uuid, ${day(-1)}, ${a.community.companyId}::uuid, 'processor_object_missing', '[]'::jsonb,
              ${aRefund!.id}::uuid, '退款在支付通道不存在', 'The refund is missing at the processor')`);

    const expectedA = {
      today: { orderCount: 2, gmvFen: 32_345, platformFen: 3_704 + 1_500 },
      pendingRefunds: { count: 2, amountFen: 6_000 },
      pendingPayouts: { count: 2, amountFen: 10_050 },
      // Days −4, −3, −2 clean; day −1 (yesterday) has A's finding.
      unreconciledDays: 1,
    };
    expect(await staffA.auditor.console.kpis()).toMatchObject(expectedA);
    expect(await staffA.ops.console.kpis()).toMatchObject(expectedA);
    expect(await staffB.auditor.console.kpis()).toMatchObject({
      today: { orderCount: 1, gmvFen: 77_700, platformFen: 23_310 },
      pendingRefunds: { count: 1, amountFen: 900 },
      pendingPayouts: { count: 1, amountFen: 4_400 },
      unreconciledDays: 0,
    });
    // The operator sees the deployment: both companies, and every finding.
    expect(await admin.console.kpis()).toMatchObject({
      today: { orderCount: 3, gmvFen: 32_345 + 77_700, platformFen: 3_704 + 1_500 + 23_310 },
      pendingRefunds: { count: 3, amountFen: 6_900 },
      pendingPayouts: { count: 3, amountFen: 14_450 },
      unreconciledDays: 1,
    });
  });

  it('is refused to residents, merchants and anonymous callers', async () => {
    const market = await deps.factories.createMarketplace();
    const callers = {
      resident: [await callerFor(deps, market.resident.id), 'FORBIDDEN'],
      merchant: [await callerFor(deps, market.owner.id), 'FORBIDDEN'],
      anonymous: [await callerFor(deps), 'UNAUTHORIZED'],
    } as const;
    for (const [who, [caller, code]] of Object.entries(callers)) {
      expect(`${who} kpis: ${await codeOf(caller.console.kpis())}`).toBe(`${who} kpis: ${code}`);
      expect(`${who} trends: ${await codeOf(caller.console.trends({ granularity: 'day' }))}`).toBe(
        `${who} trends: ${code}`,
      );
    }
  });
});

describe('console.trends', () => {
  it('sums gross by paid day and platform share by earned day, with month on month against the same days', async () => {
    const c = await deps.factories.createMarketplace();
    const d = await deps.factories.createMarketplace();
    const staffC = await staffOf(c);
    const staffD = await staffOf(d);
    // February: 100.00 on the 10th (earned the 11th, share 30.00); 50.00 on the 20th.
    await orderOf(c, {
      totalFen: 10_000,
      paidAt: at('2026-02-10 10:00'),
      earnedAt: at('2026-02-11 10:00'),
      platformFen: 3_000,
    });
    await orderOf(c, { totalFen: 5_000, paidAt: at('2026-02-20 10:00') });
    // March: 90.00 on the 5th (earned the 6th, share 27.00); 45.00 at 23:30 on the 15th (Beijing
    // time; still the 15th though 15:30 UTC); 30.00 just after midnight of the 16th.
    await orderOf(c, {
      totalFen: 9_000,
      paidAt: at('2026-03-05 09:00'),
      earnedAt: at('2026-03-06 09:00'),
      platformFen: 2_700,
    });
    await orderOf(c, { totalFen: 4_500, paidAt: at('2026-03-15 23:30') });
    await orderOf(c, { totalFen: 3_000, paidAt: at('2026-03-16 00:10') });
    // Another company's order in the same month is not C's.
    await orderOf(d, { totalFen: 88_800, paidAt: at('2026-03-05 09:00') });

    // Up to 15 March: 1–15 March against 1–15 February.
    const mid = await staffC.auditor.console.trends({ granularity: 'day', to: '2026-03-15' });
    expect(mid.monthOnMonth).toEqual({
      current: { from: '2026-03-01', to: '2026-03-15', gmvFen: 13_500, platformFen: 2_700 },
      previous: { from: '2026-02-01', to: '2026-02-15', gmvFen: 10_000, platformFen: 3_000 },
      gmvChangeBps: 3_500, // +35%
      platformChangeBps: -1_000, // −10%
    });
    expect(mid.buckets).toHaveLength(30);
    expect(mid.buckets.at(-1)).toEqual({
      key: '2026-03-15',
      orderCount: 1,
      gmvFen: 4_500,
      platformFen: 0,
    });
    expect(mid.buckets.find((b) => b.key === '2026-03-05')).toMatchObject({ gmvFen: 9_000 });
    expect(mid.buckets.find((b) => b.key === '2026-03-06')).toMatchObject({ platformFen: 2_700 });
    expect(mid.buckets[0]!.key).toBe('2026-02-14');

    // The month's last day: all of March against all of the shorter February.
    const end = await staffC.ops.console.trends({ granularity: 'month', to: '2026-03-31' });
    expect(end.monthOnMonth).toMatchObject({
      current: { from: '2026-03-01', to: '2026-03-31', gmvFen: 16_500 },
      previous: { from: '2026-02-01', to: '2026-02-28', gmvFen: 15_000 },
      gmvChangeBps: 1_000, // +10%
    });
    expect(end.buckets.map((b) => b.key)).toEqual([
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ]);
    expect(end.buckets.slice(-2)).toEqual([
      { key: '2026-02', orderCount: 2, gmvFen: 15_000, platformFen: 3_000 },
      { key: '2026-03', orderCount: 3, gmvFen: 16_500, platformFen: 2_700 },
    ]);

    // A month with nothing before it has no month on month.
    const jan = await staffC.auditor.console.trends({ granularity: 'month', to: '2026-02-15' });
    expect(jan.monthOnMonth.previous.gmvFen).toBe(0);
    expect(jan.monthOnMonth.gmvChangeBps).toBeNull();

    // The other company sees only its own.
    const theirs = await staffD.auditor.console.trends({ granularity: 'month', to: '2026-03-31' });
    expect(theirs.buckets.at(-1)).toMatchObject({ gmvFen: 88_800 });
    expect(theirs.monthOnMonth.previous.gmvFen).toBe(0);
  });

  it('refuses a date that is not a calendar day, and an unknown granularity, with BAD_REQUEST', async () => {
    const market = await deps.factories.createMarketplace();
    const { auditor } = await staffOf(market);
    expect(await codeOf(auditor.console.trends({ granularity: 'day', to: '2026-02-30' }))).toBe(
      'BAD_REQUEST',
    );
    expect(
      await codeOf(auditor.console.trends({ granularity: 'year' as 'day', to: '2026-02-01' })),
    ).toBe('BAD_REQUEST');
  });

  it('rounds the change half away from zero, and has none from nothing', () => {
    expect(changeBps(11_250, 10_000)).toBe(1_250);
    expect(changeBps(1, 3)).toBe(-6_667);
    expect(changeBps(2, 3)).toBe(-3_333);
    expect(changeBps(10_000, 10_000)).toBe(0);
    expect(changeBps(5_000, 0)).toBeNull();
  });
});
