import { communities, merchants, SERVICE_RINGS, type Db } from '@cgp/db';
import { inArray, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { orderInScope, type TenantScope } from '../identity/tenant-scope';
import type { KpiName, kpiOrdersInput } from './quality.schema';
import { roundedMean, SATISFACTION_FORMULA, SATISFACTION_TARGET } from './satisfaction';

/** The seed's targets for the service system (seed §一; SPEC §12). */
export const KPI_TARGETS = {
  satisfaction: SATISFACTION_TARGET,
  /** Share of last month's households called back. */
  callbackCoverage: 0.15,
  /** Complaints a month, down from 12. */
  complaintsPerMonth: 3,
  /** Mean hours from a complaint to its resolution, down from 2.5. */
  ticketHandlingHours: 1.2,
  /** On-time arrival of on-demand orders: the seed names no target, so none is shown. */
  onTimeArrival: null,
} as const;

type ServiceRing = (typeof SERVICE_RINGS)[number];

export type KpiGroup = 'merchant' | 'community' | 'month' | 'total';

/**
 * Whose rows a KPI covers: what the tenant-scope module lets property staff see, or one
 * merchant's own orders.
 */
export type KpiScope = TenantScope | { kind: 'merchant'; merchantId: string };

export interface KpiRange {
  from: string;
  to: string;
  timeZone: string;
}

/**
 * Where each KPI's rows come from, once: the table (always with its order as `o`), the instant
 * that puts a row in a period, and the figure per row. The dashboard's aggregates and its
 * drill-down read the same definition, so a figure and the orders behind it cannot drift apart.
 */
const SOURCES: Record<KpiName, { from: SQL; at: SQL; value: SQL }> = {
  // Paid → accepted, in seconds.
  acceptance: {
    from: sql`orders o`,
    at: sql`o.accepted_at`,
    value: sql`extract(epoch FROM o.accepted_at - o.paid_at)`,
  },
  slaBreaches: { from: sql`orders o`, at: sql`o.sla_breached_at`, value: sql`1` },
  // On-demand orders whose arrival has an outcome: arrived (on time or late), or recorded as an
  // arrival breach; counted when the arrival was due. 1 when within the ring's SLA.
  onTimeArrival: {
    from: sql`(SELECT * FROM orders x
                WHERE x.mode = 'on_demand' AND x.arrive_due_at IS NOT NULL
                  AND (x.arrived_at IS NOT NULL OR EXISTS (
                        SELECT 1 FROM sla_breaches b WHERE b.order_id = x.id AND b.step = 'arrive'))) o`,
    at: sql`o.arrive_due_at`,
    value: sql`CASE WHEN o.arrived_at <= o.arrive_due_at THEN 1 ELSE 0 END`,
  },
  // A complaint is a quality ticket or a dispute.
  complaints: {
    from: sql`(SELECT order_id, opened_at, 'ticket' AS kind FROM quality_tickets
               UNION ALL SELECT order_id, opened_at, 'dispute' FROM order_disputes) c
              JOIN orders o ON o.id = c.order_id`,
    at: sql`c.opened_at`,
    value: sql`c.kind`,
  },
  // Opened → resolved, in hours, counted when resolved.
  ticketHandling: {
    from: sql`quality_tickets t JOIN orders o ON o.id = t.order_id`,
    at: sql`t.resolved_at`,
    value: sql`extract(epoch FROM t.resolved_at - t.opened_at) / 3600`,
  },
  // Orders served, and the callback task made about each (if any); households are counted once
  // a month.
  callbackCoverage: {
    from: sql`orders o LEFT JOIN callback_tasks ct ON ct.order_id = o.id`,
    at: sql`o.completed_at`,
    value: sql`CASE WHEN ct.id IS NULL THEN 0 ELSE 1 END`,
  },
  satisfaction: {
    from: sql`order_reviews r JOIN orders o ON o.id = r.order_id`,
    at: sql`r.created_at`,
    value: sql`r.rating`,
  },
  defaultRatings: {
    from: sql`order_reviews r JOIN orders o ON o.id = r.order_id`,
    at: sql`r.created_at`,
    value: sql`CASE WHEN r.automatic THEN 1 ELSE 0 END`,
  },
};

function groupKey(group: KpiGroup, at: SQL, timeZone: string): SQL {
  switch (group) {
    case 'merchant':
      return sql`o.merchant_id::text`;
    case 'community':
      return sql`o.community_id::text`;
    case 'month':
      return sql`to_char(${at} AT TIME ZONE ${timeZone}, 'YYYY-MM')`;
    case 'total':
      return sql`'total'`;
  }
}

function scopeOf(scope: KpiScope): SQL {
  return scope.kind === 'merchant'
    ? sql`o.merchant_id = ${scope.merchantId}`
    : orderInScope('o', scope);
}

function whereOf(kpi: KpiName, scope: KpiScope, range: KpiRange): SQL {
  const { at } = SOURCES[kpi];
  return sql`${scopeOf(scope)} AND ${at} >= ${range.from}::timestamptz AND ${at} < ${range.to}::timestamptz`;
}

/** `FROM … WHERE …` of a KPI. */
function sourceSql(kpi: KpiName, scope: KpiScope, range: KpiRange): SQL {
  return sql`FROM ${SOURCES[kpi].from} WHERE ${whereOf(kpi, scope, range)}`;
}

type Row = Record<string, unknown> & { key: string };

async function aggregate(
  db: Db,
  kpi: KpiName,
  group: KpiGroup,
  scope: KpiScope,
  range: KpiRange,
  select: SQL,
): Promise<Row[]> {
  const key = groupKey(group, SOURCES[kpi].at, range.timeZone);
  const { rows } = await db.execute<Row>(
    sql`SELECT ${key} AS key, ${select} ${sourceSql(kpi, scope, range)} GROUP BY 1`,
  );
  return rows;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
/** A figure PostgreSQL already rounded (numeric arrives as text), or null. */
const nullableNum = (v: unknown): number | null =>
  v === null || v === undefined ? null : Number(v);

export interface KpiFigures {
  acceptance: { count: number; medianSeconds: number | null; p90Seconds: number | null };
  slaBreaches: number;
  onTimeArrival: {
    /** On-demand orders whose arrival was due in the period and has an outcome. */
    count: number;
    onTime: number;
    /** onTime ÷ count, 0–1 (four decimals); null when no arrival was due. */
    share: number | null;
    byRing: Record<ServiceRing, { count: number; onTime: number }>;
  };
  complaints: { total: number; tickets: number; disputes: number };
  tickets: { resolved: number; meanHandlingHours: number | null };
  callbacks: {
    households: number;
    tasks: number;
    done: number;
    reached: number;
    /** tasks ÷ households served, 0–1 (four decimals); null when nobody was served. */
    coverage: number | null;
  };
  satisfaction: {
    score: number | null;
    count: number;
    defaultCount: number;
    /** Default ratings ÷ all ratings, 0–1 (four decimals); null when there is no rating. */
    defaultShare: number | null;
  };
}

const emptyFigures = (): KpiFigures => ({
  acceptance: { count: 0, medianSeconds: null, p90Seconds: null },
  slaBreaches: 0,
  onTimeArrival: {
    count: 0,
    onTime: 0,
    share: null,
    byRing: Object.fromEntries(SERVICE_RINGS.map((r) => [r, { count: 0, onTime: 0 }])) as Record<
      ServiceRing,
      { count: number; onTime: number }
    >,
  },
  complaints: { total: 0, tickets: 0, disputes: 0 },
  tickets: { resolved: 0, meanHandlingHours: null },
  callbacks: { households: 0, tasks: 0, done: 0, reached: 0, coverage: null },
  satisfaction: { score: null, count: 0, defaultCount: 0, defaultShare: null },
});

/** Every KPI of the scope over [from, to), grouped; the figures of each group by key. */
async function figuresBy(
  db: Db,
  group: KpiGroup,
  scope: KpiScope,
  range: KpiRange,
): Promise<Map<string, KpiFigures>> {
  const out = new Map<string, KpiFigures>();
  const at = (key: string) => {
    let f = out.get(key);
    if (!f) out.set(key, (f = emptyFigures()));
    return f;
  };
  const q = (kpi: KpiName, select: SQL) => aggregate(db, kpi, group, scope, range, select);
  const acc = SOURCES.acceptance.value;
  const onTime = SOURCES.onTimeArrival.value;
  const [acceptance, breaches, arrivals, complaints, handling, coverage, ratings] =
    await Promise.all([
      q(
        'acceptance',
        // Rounded in PostgreSQL's numeric, half away from zero, not in floating point.
        sql`count(*) AS n, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ${acc})::numeric) AS median,
          round(percentile_cont(0.9) WITHIN GROUP (ORDER BY ${acc})::numeric) AS p90`,
      ),
      q('slaBreaches', sql`count(*) AS n`),
      q(
        'onTimeArrival',
        sql.join(
          [
            sql`count(*) AS n, sum(${onTime}) AS on_time`,
            ...SERVICE_RINGS.map(
              (ring) =>
                sql`count(*) FILTER (WHERE o.ring = ${ring}) AS ${sql.raw(`n_${ring}`)},
                  coalesce(sum(${onTime}) FILTER (WHERE o.ring = ${ring}), 0) AS ${sql.raw(`on_time_${ring}`)}`,
            ),
          ],
          sql`, `,
        ),
      ),
      q(
        'complaints',
        sql`count(*) AS n, count(*) FILTER (WHERE c.kind = 'ticket') AS tickets,
          count(*) FILTER (WHERE c.kind = 'dispute') AS disputes`,
      ),
      q(
        'ticketHandling',
        sql`count(*) AS n, round(avg(${SOURCES.ticketHandling.value})::numeric, 2) AS mean`,
      ),
      q(
        'callbackCoverage',
        sql`count(DISTINCT (o.unit_id, to_char(o.completed_at AT TIME ZONE ${range.timeZone}, 'YYYY-MM'))) AS households,
          count(DISTINCT ct.id) AS tasks, count(DISTINCT ct.id) FILTER (WHERE ct.status = 'done') AS done,
          count(DISTINCT ct.id) FILTER (WHERE ct.reached) AS reached`,
      ),
      q(
        'satisfaction',
        sql`coalesce(sum(r.rating) FILTER (WHERE NOT r.automatic), 0) AS sum,
          count(*) FILTER (WHERE NOT r.automatic) AS n,
          count(*) FILTER (WHERE r.automatic) AS defaults`,
      ),
    ]);
  for (const r of acceptance) {
    at(r.key).acceptance = {
      count: num(r.n),
      medianSeconds: nullableNum(r.median),
      p90Seconds: nullableNum(r.p90),
    };
  }
  for (const r of breaches) at(r.key).slaBreaches = num(r.n);
  for (const r of arrivals) {
    const count = num(r.n);
    at(r.key).onTimeArrival = {
      count,
      onTime: num(r.on_time),
      share: count ? Math.round((num(r.on_time) / count) * 10_000) / 10_000 : null,
      byRing: Object.fromEntries(
        SERVICE_RINGS.map((ring) => [
          ring,
          { count: num(r[`n_${ring}`]), onTime: num(r[`on_time_${ring}`]) },
        ]),
      ) as Record<ServiceRing, { count: number; onTime: number }>,
    };
  }
  for (const r of complaints) {
    at(r.key).complaints = { total: num(r.n), tickets: num(r.tickets), disputes: num(r.disputes) };
  }
  for (const r of handling) {
    at(r.key).tickets = { resolved: num(r.n), meanHandlingHours: nullableNum(r.mean) };
  }
  for (const r of coverage) {
    const households = num(r.households);
    at(r.key).callbacks = {
      households,
      tasks: num(r.tasks),
      done: num(r.done),
      reached: num(r.reached),
      coverage: households ? Math.round((num(r.tasks) / households) * 10_000) / 10_000 : null,
    };
  }
  for (const r of ratings) {
    const count = num(r.n);
    const defaults = num(r.defaults);
    at(r.key).satisfaction = {
      score: roundedMean(num(r.sum), count),
      count,
      defaultCount: defaults,
      defaultShare:
        count + defaults ? Math.round((defaults / (count + defaults)) * 10_000) / 10_000 : null,
    };
  }
  return out;
}

async function labels(db: Db, group: KpiGroup, keys: string[]): Promise<Map<string, string>> {
  if (!keys.length || (group !== 'merchant' && group !== 'community')) {
    return new Map(keys.map((k) => [k, k]));
  }
  const table = group === 'merchant' ? merchants : communities;
  const rows = await db
    .select({ id: table.id, name: table.name })
    .from(table)
    .where(inArray(table.id, keys));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * `quality.kpis`: the service KPIs of SPEC §12 per merchant, community or month over [from, to),
 * with the totals and the seed's targets. Each KPI counts a row in the period its own event
 * happened (accepted, breached, complained, resolved, served, rated).
 */
export async function qualityKpis(
  db: Db,
  scope: KpiScope,
  input: { from: string; to: string; groupBy: 'merchant' | 'community' | 'month' },
  timeZone: string,
) {
  const range = { from: input.from, to: input.to, timeZone };
  const [grouped, totals] = await Promise.all([
    figuresBy(db, input.groupBy, scope, range),
    figuresBy(db, 'total', scope, range),
  ]);
  const keys = [...grouped.keys()].sort();
  const names = await labels(db, input.groupBy, keys);
  return {
    groupBy: input.groupBy,
    from: input.from,
    to: input.to,
    targets: KPI_TARGETS,
    formula: SATISFACTION_FORMULA,
    rows: keys.map((key) => ({ key, label: names.get(key) ?? key, ...grouped.get(key)! })),
    totals: totals.get('total') ?? emptyFigures(),
  };
}

/**
 * The orders behind one KPI figure (the dashboard's drill-down): the same rows the figure was
 * computed from, newest first, with the per-row value (seconds, hours, stars…).
 */
export async function kpiOrders(
  db: Db,
  scope: KpiScope,
  input: z.infer<typeof kpiOrdersInput>,
  timeZone: string,
) {
  const range = { from: input.from, to: input.to, timeZone };
  const { at, value } = SOURCES[input.kpi];
  const keyFilter =
    input.groupBy && input.key
      ? sql` AND ${groupKey(input.groupBy, at, timeZone)} = ${input.key}`
      : sql``;
  const { rows } = await db.execute<{
    order_id: string;
    at: string;
    value: string | number | null;
    merchant_name: string;
    community_name: string;
    unit_label: string;
    status: string;
  }>(sql`
    SELECT o.id AS order_id, ${at} AS at, ${value} AS value, o.status,
           (SELECT name FROM merchants WHERE id = o.merchant_id) AS merchant_name,
           (SELECT name FROM communities WHERE id = o.community_id) AS community_name,
           (SELECT label FROM units WHERE id = o.unit_id) AS unit_label
      ${sourceSql(input.kpi, scope, range)}${keyFilter}
     ORDER BY 2 DESC, 1
     LIMIT ${input.limit}`);
  return {
    items: rows.map((r) => ({
      orderId: r.order_id,
      at: new Date(r.at).toISOString(),
      value:
        typeof r.value === 'string' && !Number.isNaN(Number(r.value)) ? Number(r.value) : r.value,
      status: r.status,
      merchantName: r.merchant_name,
      communityName: r.community_name,
      unitLabel: r.unit_label,
    })),
  };
}
