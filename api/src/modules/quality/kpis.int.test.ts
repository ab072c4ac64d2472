import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestDeps, seedServedHouseholds, type TestDeps } from '../../testing';
import { runCallbacksForCompany } from './callback-runs';
import { roundedMean } from './satisfaction';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

const TZ = 'Asia/Shanghai';
const FROM = '2026-08-31T16:00:00.000Z'; // 1 September, Shanghai
const TO = '2026-10-31T16:00:00.000Z'; // 1 November, Shanghai

/**
 * Two communities, three merchants, two months of served orders with varied acceptance times,
 * SLA breaches, ratings (some automatic), disputes, tickets (some resolved) and callback runs.
 */
async function seedQualityHistory() {
  const market = await seedServedHouseholds(deps.db, {
    households: 60,
    merchants: 3,
    completedAt: new Date('2026-09-08T03:00:00Z'),
    secondEvery: 4,
  });
  const { rows } = await deps.db.execute<{ id: string }>(sql`
    WITH c AS (INSERT INTO communities (company_id, name) VALUES (${market.companyId}, '第二小区') RETURNING id),
         b AS (INSERT INTO buildings (community_id, number, name) SELECT id, 1, '1号楼' FROM c)
    SELECT id FROM c`);
  const second = { ...market, communityId: rows[0]!.id };
  await seedServedHouseholds(deps.db, {
    households: 45,
    market: second,
    completedAt: new Date('2026-10-03T03:00:00Z'),
  });
  await seedServedHouseholds(deps.db, {
    households: 30,
    market,
    completedAt: new Date('2026-10-20T03:00:00Z'),
  });
  // Outside the range: August.
  await seedServedHouseholds(deps.db, {
    households: 10,
    market,
    completedAt: new Date('2026-08-20T03:00:00Z'),
  });
  const company = market.companyId;
  const ofCompany = sql`community_id IN (SELECT id FROM communities WHERE company_id = ${company})`;
  // Acceptance from 1 s to an hour; a few orders breached the SLA instead.
  await deps.db.execute(sql`
    UPDATE orders SET accepted_at = paid_at + make_interval(secs => 1 + abs(hashtext(id::text)) % 3600)
     WHERE ${ofCompany}`);
  await deps.db.execute(sql`
    UPDATE orders SET sla_breached_at = paid_at + interval '15 minutes', accepted_at = NULL
     WHERE ${ofCompany} AND abs(hashtext(id::text || 'sla')) % 9 = 0`);
  // A quarter of the orders were on-demand, due within 30 minutes of payment: most arrived on
  // time, some late (with an arrival breach), some never (a breach for most of them, none for
  // the rest, as if cancelled first: those have no arrival outcome and are not counted).
  await deps.db.execute(sql`
    UPDATE orders SET mode = 'on_demand',
           ring = (ARRAY['core', 'service', 'guarantee'])[1 + abs(hashtext(id::text || 'ring')) % 3]::service_ring,
           arrive_due_at = paid_at + interval '30 minutes',
           arrived_at = CASE WHEN abs(hashtext(id::text || 'arr')) % 6 = 0 THEN NULL
                             ELSE paid_at + make_interval(mins => 5 + abs(hashtext(id::text || 'late')) % 40) END
     WHERE ${ofCompany} AND abs(hashtext(id::text || 'od')) % 4 = 0`);
  await deps.db.execute(sql`
    INSERT INTO sla_breaches (order_id, community_id, merchant_id, step, ring, due_at, breached_at, late_seconds)
    SELECT id, community_id, merchant_id, 'arrive', ring, arrive_due_at, arrive_due_at,
           coalesce(extract(epoch FROM arrived_at - arrive_due_at)::int, 0)
      FROM orders
     WHERE ${ofCompany} AND mode = 'on_demand'
       AND (arrived_at > arrive_due_at
            OR (arrived_at IS NULL AND abs(hashtext(id::text || 'gone')) % 3 <> 0))`);
  await deps.db.execute(sql`
    INSERT INTO order_reviews (order_id, merchant_id, resident_id, rating, automatic, created_at)
    SELECT id, merchant_id, resident_id,
           CASE WHEN abs(hashtext(id::text || 'auto')) % 5 = 0 THEN 5 ELSE 1 + abs(hashtext(id::text || 'r')) % 5 END,
           abs(hashtext(id::text || 'auto')) % 5 = 0,
           completed_at + make_interval(days => abs(hashtext(id::text || 'd')) % 9)
      FROM orders WHERE ${ofCompany} AND abs(hashtext(id::text || 'rev')) % 3 <> 0`);
  await deps.db.execute(sql`
    INSERT INTO order_disputes (order_id, reason, opened_at)
    SELECT id, '不满意', completed_at + interval '3 hours'
      FROM orders WHERE ${ofCompany} AND abs(hashtext(id::text || 'disp')) % 17 = 0`);
  const ops = await deps.factories.createPropertyUser(company, 'property_ops');
  await runCallbacksForCompany(deps.db, { companyId: company, month: '2026-09-01', timeZone: TZ });
  await runCallbacksForCompany(deps.db, { companyId: company, month: '2026-10-01', timeZone: TZ });
  await deps.db.execute(sql`
    UPDATE callback_tasks SET status = 'done', reached = abs(hashtext(id::text)) % 4 <> 0,
           satisfaction = CASE WHEN abs(hashtext(id::text)) % 4 <> 0 THEN 3 END,
           recorded_by = ${ops.id}, recorded_at = now()
     WHERE company_id = ${company} AND abs(hashtext(id::text || 'x')) % 2 = 0`);
  // Every other reached call (by id) complained, and every other complaint is resolved:
  // counted by rank, not by hash, so there is always at least one resolved ticket to measure.
  await deps.db.execute(sql`
    INSERT INTO quality_tickets (company_id, community_id, order_id, merchant_id, callback_task_id, complaint,
                                 owner_id, opened_at, due_at, resolved_at, resolved_by, resolution)
    SELECT ct.company_id, ct.community_id, ct.order_id, ct.merchant_id, ct.id, '投诉', ${ops.id},
           o.completed_at + interval '5 days', o.completed_at + interval '6 days',
           CASE WHEN ct.rank % 4 = 1
                THEN o.completed_at + interval '5 days' + make_interval(mins => 10 + abs(hashtext(ct.id::text || 'h')) % 300) END,
           CASE WHEN ct.rank % 4 = 1 THEN ${ops.id}::uuid END,
           CASE WHEN ct.rank % 4 = 1 THEN '已处理' END
      FROM (SELECT *, row_number() OVER (ORDER BY id) AS rank FROM callback_tasks
             WHERE company_id = ${company} AND reached) ct
      JOIN orders o ON o.id = ct.order_id
     WHERE ct.rank % 2 = 1`);
  return { market, ops };
}

type Group = 'merchant' | 'community' | 'month';

/** The plain SQL a clerk would write for each KPI, straight over the raw rows. */
async function expectedFigures(companyId: string, groupBy: Group) {
  const key = (at: string) =>
    groupBy === 'merchant'
      ? sql.raw('o.merchant_id::text')
      : groupBy === 'community'
        ? sql.raw('o.community_id::text')
        : sql.raw(`to_char(${at} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')`);
  const mine = sql`o.community_id IN (SELECT id FROM communities WHERE company_id = ${companyId})`;
  const inRange = (at: string) =>
    sql`${sql.raw(at)} >= ${FROM}::timestamptz AND ${sql.raw(at)} < ${TO}::timestamptz`;
  const q = async (query: ReturnType<typeof sql>) =>
    new Map(
      (await deps.db.execute<Record<string, string | null>>(query)).rows.map((r) => [r.key!, r]),
    );
  return {
    acceptance: await q(sql`
      SELECT ${key('o.accepted_at')} AS key, count(*) AS n,
             round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o.accepted_at - o.paid_at))::numeric) AS median,
             round(percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM o.accepted_at - o.paid_at))::numeric) AS p90
        FROM orders o WHERE ${mine} AND ${inRange('o.accepted_at')} GROUP BY 1`),
    breaches: await q(sql`
      SELECT ${key('o.sla_breached_at')} AS key, count(*) AS n
        FROM orders o WHERE ${mine} AND ${inRange('o.sla_breached_at')} GROUP BY 1`),
    arrivals: await q(sql`
      SELECT ${key('o.arrive_due_at')} AS key, count(*) AS n,
             count(*) FILTER (WHERE o.arrived_at <= o.arrive_due_at) AS on_time,
             count(*) FILTER (WHERE o.ring = 'core') AS n_core,
             count(*) FILTER (WHERE o.ring = 'core' AND o.arrived_at <= o.arrive_due_at) AS on_time_core,
             count(*) FILTER (WHERE o.ring = 'service') AS n_service,
             count(*) FILTER (WHERE o.ring = 'service' AND o.arrived_at <= o.arrive_due_at) AS on_time_service,
             count(*) FILTER (WHERE o.ring = 'guarantee') AS n_guarantee,
             count(*) FILTER (WHERE o.ring = 'guarantee' AND o.arrived_at <= o.arrive_due_at) AS on_time_guarantee
        FROM orders o
       WHERE ${mine} AND o.mode = 'on_demand' AND ${inRange('o.arrive_due_at')}
         AND (o.arrived_at IS NOT NULL
              OR o.id IN (SELECT order_id FROM sla_breaches WHERE step = 'arrive'))
       GROUP BY 1`),
    tickets: await q(sql`
      SELECT ${key('t.opened_at')} AS key, count(*) AS n FROM quality_tickets t JOIN orders o ON o.id = t.order_id
       WHERE ${mine} AND ${inRange('t.opened_at')} GROUP BY 1`),
    disputes: await q(sql`
      SELECT ${key('d.opened_at')} AS key, count(*) AS n FROM order_disputes d JOIN orders o ON o.id = d.order_id
       WHERE ${mine} AND ${inRange('d.opened_at')} GROUP BY 1`),
    handling: await q(sql`
      SELECT ${key('t.resolved_at')} AS key, count(*) AS n,
             round((avg(extract(epoch FROM t.resolved_at - t.opened_at)) / 3600)::numeric, 2) AS mean
        FROM quality_tickets t JOIN orders o ON o.id = t.order_id
       WHERE ${mine} AND ${inRange('t.resolved_at')} GROUP BY 1`),
    households: await q(sql`
      SELECT ${key('o.completed_at')} AS key,
             count(DISTINCT (o.unit_id, to_char(o.completed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'))) AS n
        FROM orders o WHERE ${mine} AND ${inRange('o.completed_at')} GROUP BY 1`),
    callbacks: await q(sql`
      SELECT ${key('o.completed_at')} AS key, count(*) AS n,
             count(*) FILTER (WHERE ct.status = 'done') AS done, count(*) FILTER (WHERE ct.reached) AS reached
        FROM callback_tasks ct JOIN orders o ON o.id = ct.order_id
       WHERE ${mine} AND ${inRange('o.completed_at')} GROUP BY 1`),
    ratings: await q(sql`
      SELECT ${key('r.created_at')} AS key,
             sum(r.rating) FILTER (WHERE NOT r.automatic) AS sum,
             count(*) FILTER (WHERE NOT r.automatic) AS n,
             count(*) FILTER (WHERE r.automatic) AS defaults
        FROM order_reviews r JOIN orders o ON o.id = r.order_id
       WHERE ${mine} AND ${inRange('r.created_at')} GROUP BY 1`),
  };
}

const n = (v: string | null | undefined) => (v == null ? 0 : Number(v));
const orNull = (v: string | null | undefined) => (v == null ? null : Number(v));

describe('quality.kpis', () => {
  it('equals, figure by figure, a plain SQL query over the raw rows, for every grouping', async () => {
    const { market, ops } = await seedQualityHistory();
    const asOps = await callerFor(deps, ops.id);
    for (const groupBy of ['merchant', 'community', 'month'] as const) {
      const kpis = await asOps.quality.kpis({ from: FROM, to: TO, groupBy });
      const want = await expectedFigures(market.companyId, groupBy);
      const keys = new Set(Object.values(want).flatMap((m) => [...m.keys()]));
      expect(kpis.rows.map((r) => r.key).sort()).toEqual([...keys].sort());
      if (groupBy === 'month') expect([...keys].sort()).toEqual(['2026-09', '2026-10']);
      for (const row of kpis.rows) {
        const k = row.key;
        const acc = want.acceptance.get(k);
        const rate = want.ratings.get(k);
        const served = n(want.households.get(k)?.n);
        const calls = want.callbacks.get(k);
        const own = n(rate?.n);
        const arr = want.arrivals.get(k);
        const defaults = n(rate?.defaults);
        expect(row).toEqual({
          key: k,
          label: row.label,
          acceptance: {
            count: n(acc?.n),
            medianSeconds: orNull(acc?.median),
            p90Seconds: orNull(acc?.p90),
          },
          slaBreaches: n(want.breaches.get(k)?.n),
          onTimeArrival: {
            count: n(arr?.n),
            onTime: n(arr?.on_time),
            share: n(arr?.n) ? Math.round((n(arr?.on_time) / n(arr?.n)) * 10_000) / 10_000 : null,
            byRing: {
              core: { count: n(arr?.n_core), onTime: n(arr?.on_time_core) },
              service: { count: n(arr?.n_service), onTime: n(arr?.on_time_service) },
              guarantee: { count: n(arr?.n_guarantee), onTime: n(arr?.on_time_guarantee) },
            },
          },
          complaints: {
            total: n(want.tickets.get(k)?.n) + n(want.disputes.get(k)?.n),
            tickets: n(want.tickets.get(k)?.n),
            disputes: n(want.disputes.get(k)?.n),
          },
          tickets: {
            resolved: n(want.handling.get(k)?.n),
            meanHandlingHours: orNull(want.handling.get(k)?.mean),
          },
          callbacks: {
            households: served,
            tasks: n(calls?.n),
            done: n(calls?.done),
            reached: n(calls?.reached),
            coverage: served ? Math.round((n(calls?.n) / served) * 10_000) / 10_000 : null,
          },
          satisfaction: {
            score: roundedMean(n(rate?.sum), own),
            count: own,
            defaultCount: defaults,
            defaultShare:
              own + defaults ? Math.round((defaults / (own + defaults)) * 10_000) / 10_000 : null,
          },
        });
      }
      // The totals are the same figures over every row.
      const sum = (f: (r: (typeof kpis.rows)[number]) => number) =>
        kpis.rows.reduce((a, r) => a + f(r), 0);
      expect(kpis.totals.slaBreaches).toBe(sum((r) => r.slaBreaches));
      expect(kpis.totals.complaints.total).toBe(sum((r) => r.complaints.total));
      expect(kpis.totals.satisfaction.count).toBe(sum((r) => r.satisfaction.count));
      expect(kpis.totals.callbacks.tasks).toBe(sum((r) => r.callbacks.tasks));
    }
    // The month rows are what the runs made: at least 15% of each month's households.
    const byMonth = await asOps.quality.kpis({ from: FROM, to: TO, groupBy: 'month' });
    for (const row of byMonth.rows) expect(row.callbacks.coverage).toBeGreaterThanOrEqual(0.15);
    expect(byMonth.targets).toMatchObject({ satisfaction: 4.8, callbackCoverage: 0.15 });
    expect(byMonth.formula).toContain('系统默认好评不计入');
    expect(byMonth.totals.satisfaction.count).toBeGreaterThan(0);
    expect(byMonth.totals.satisfaction.defaultCount).toBeGreaterThan(0);
    expect(byMonth.totals.tickets.resolved).toBeGreaterThan(0);
    // Both on-time and late arrivals are in the data, and the seed names no target for them.
    expect(byMonth.totals.onTimeArrival.onTime).toBeGreaterThan(0);
    expect(byMonth.totals.onTimeArrival.onTime).toBeLessThan(byMonth.totals.onTimeArrival.count);
    expect(byMonth.targets.onTimeArrival).toBeNull();
  }, 60_000);

  it('drills down to the very rows behind a figure', async () => {
    const { market, ops } = await seedQualityHistory();
    const asOps = await callerFor(deps, ops.id);
    const kpis = await asOps.quality.kpis({ from: FROM, to: TO, groupBy: 'merchant' });
    const row = kpis.rows.find((r) => r.slaBreaches > 0)!;
    const breached = await asOps.quality.kpiOrders({
      from: FROM,
      to: TO,
      kpi: 'slaBreaches',
      groupBy: 'merchant',
      key: row.key,
      limit: 200,
    });
    expect(breached.items).toHaveLength(row.slaBreaches);
    expect(new Set(breached.items.map((i) => i.merchantName))).toEqual(new Set([row.label]));
    const rated = await asOps.quality.kpiOrders({
      from: FROM,
      to: TO,
      kpi: 'satisfaction',
      groupBy: 'merchant',
      key: row.key,
      limit: 200,
    });
    expect(rated.items).toHaveLength(row.satisfaction.count + row.satisfaction.defaultCount);
    const arrivals = await asOps.quality.kpiOrders({
      from: FROM,
      to: TO,
      kpi: 'onTimeArrival',
      groupBy: 'merchant',
      key: row.key,
      limit: 200,
    });
    expect(arrivals.items).toHaveLength(row.onTimeArrival.count);
    expect(arrivals.items.filter((i) => i.value === 1)).toHaveLength(row.onTimeArrival.onTime);
    // Another company's ops sees none of it.
    const other = await deps.factories.createPropertyUser(
      (await deps.factories.createCompany()).id,
      'property_ops',
    );
    const asOther = await callerFor(deps, other.id);
    expect((await asOther.quality.kpis({ from: FROM, to: TO, groupBy: 'merchant' })).rows).toEqual(
      [],
    );
    expect(market.merchants).toHaveLength(3);
  }, 60_000);

  it('refuses a period that ends before it starts', async () => {
    const { ops } = await seedQualityHistory();
    await expect(
      (await callerFor(deps, ops.id)).quality.kpis({ from: TO, to: FROM, groupBy: 'month' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  }, 60_000);
});
