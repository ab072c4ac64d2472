import type { DbOrTx } from '@cgp/db';
import { sql } from 'drizzle-orm';
import { unreconciledDays } from '../audit/unreconciled-days';
import { merchantInScope, orderInScope, type TenantScope } from '../identity/tenant-scope';
import type { TrendsInput } from './console.schema';
import type { Row } from './sql-row';

/** Refunds not yet given back: being sent, or refused by the processor and waiting for ops. */
const OPEN_REFUND_STATUSES = sql`('pending', 'failed')`;
/** Statements not yet paid out: queued, or failed after the last attempt and waiting for ops. */
const OPEN_PAYOUT_STATUSES = sql`('pending', 'failed')`;

/**
 * `console.kpis`: the landing page's cards for the scope (a company's, or the deployment's for
 * the operator), each figure computed in one SQL statement: today's (business day) paid orders
 * and their gross, the platform's share earned today, refunds and payouts still open (count and
 * amount), and the days not yet reconciled.
 */
export async function consoleKpis(db: DbOrTx, scope: TenantScope, timeZone: string) {
  const dayStart = sql`(((now() AT TIME ZONE ${timeZone})::date)::timestamp AT TIME ZONE ${timeZone})`;
  const dayEnd = sql`(${dayStart} + interval '1 day')`;
  const [{ rows }, unreconciled] = await Promise.all([
    db.execute<Row>(sql`
      SELECT
        (SELECT count(*) FROM orders o
          WHERE o.paid_at >= ${dayStart} AND o.paid_at < ${dayEnd}
            AND ${orderInScope('o', scope)})::int AS orders,
        (SELECT coalesce(sum(o.total_fen), 0) FROM orders o
          WHERE o.paid_at >= ${dayStart} AND o.paid_at < ${dayEnd}
            AND ${orderInScope('o', scope)})::bigint AS gmv,
        (SELECT coalesce(sum(o.platform_share_fen), 0) FROM orders o
          WHERE o.earned_at >= ${dayStart} AND o.earned_at < ${dayEnd}
            AND ${orderInScope('o', scope)})::bigint AS platform,
        (SELECT count(*) FROM refunds r JOIN orders o ON o.id = r.order_id
          WHERE r.status IN ${OPEN_REFUND_STATUSES} AND ${orderInScope('o', scope)})::int AS refunds,
        (SELECT coalesce(sum(r.amount_fen), 0) FROM refunds r JOIN orders o ON o.id = r.order_id
          WHERE r.status IN ${OPEN_REFUND_STATUSES} AND ${orderInScope('o', scope)})::bigint AS refund_fen,
        (SELECT count(*) FROM statements s
          WHERE s.status IN ${OPEN_PAYOUT_STATUSES}
            AND ${merchantInScope(sql`s.merchant_id`, scope)})::int AS payouts,
        (SELECT coalesce(sum(s.payout_fen), 0) FROM statements s
          WHERE s.status IN ${OPEN_PAYOUT_STATUSES}
            AND ${merchantInScope(sql`s.merchant_id`, scope)})::bigint AS payout_fen,
        to_char(now() AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') AS today`),
    unreconciledDays(db, scope, timeZone),
  ]);
  const r = rows[0]!;
  return {
    businessDay: String(r.today),
    today: {
      orderCount: Number(r.orders),
      gmvFen: Number(r.gmv),
      platformFen: Number(r.platform),
    },
    pendingRefunds: { count: Number(r.refunds), amountFen: Number(r.refund_fen) },
    pendingPayouts: { count: Number(r.payouts), amountFen: Number(r.payout_fen) },
    unreconciledDays: unreconciled,
  };
}

/** A change from `previous` to `current` in basis points (half away from zero), or null from zero. */
export function changeBps(current: number, previous: number): number | null {
  if (previous === 0) return null;
  const scaled = (current - previous) * 10_000;
  const bps = Math.round(Math.abs(scaled) / Math.abs(previous));
  return Math.sign(scaled) * Math.sign(previous) * bps;
}

/**
 * `console.trends`: gross (by the day orders were paid) and the platform's share (by the day it
 * was earned), per business day for the 30 days ending `to` or per month for the 12 months ending
 * with `to`'s month. Month on month (环比) compares this month up to `to` with the same days of the
 * month before (its last day when shorter), so a month under way is not set against a whole one.
 */
export async function consoleTrends(
  db: DbOrTx,
  scope: TenantScope,
  input: TrendsInput,
  timeZone: string,
) {
  const to = input.to ? sql`${input.to}::date` : sql`(now() AT TIME ZONE ${timeZone})::date`;
  const monthly = input.granularity === 'month';
  const step = monthly ? sql`interval '1 month'` : sql`interval '1 day'`;
  const first = monthly
    ? sql`(date_trunc('month', ${to}) - interval '11 months')::date`
    : sql`(${to} - 29)`;
  const bucket = (column: string) =>
    monthly
      ? sql`date_trunc('month', ${sql.raw(column)} AT TIME ZONE ${timeZone})::date`
      : sql`(${sql.raw(column)} AT TIME ZONE ${timeZone})::date`;
  const local = (day: unknown) => sql`((${day})::timestamp AT TIME ZONE ${timeZone})`;
  const { rows } = await db.execute<Row>(sql`
    WITH bounds AS (
           SELECT ${first} AS first_day, ${to} AS last_day,
                  date_trunc('month', ${to})::date AS month_start,
                  (date_trunc('month', ${to}) - interval '1 month')::date AS prev_start,
                  least((${to} - interval '1 month')::date,
                        (date_trunc('month', ${to}) - interval '1 day')::date) AS prev_last),
         buckets AS (
           SELECT g::date AS key FROM bounds,
                  generate_series(bounds.first_day, bounds.last_day, ${step}) g),
         paid AS (
           SELECT ${bucket('o.paid_at')} AS key, count(*)::int AS orders, sum(o.total_fen) AS gmv
             FROM orders o, bounds
            WHERE o.paid_at >= ${local(sql`bounds.first_day`)}
              AND o.paid_at < ${local(sql`bounds.last_day + 1`)}
              AND ${orderInScope('o', scope)}
            GROUP BY 1),
         earned AS (
           SELECT ${bucket('o.earned_at')} AS key, sum(o.platform_share_fen) AS platform
             FROM orders o, bounds
            WHERE o.earned_at >= ${local(sql`bounds.first_day`)}
              AND o.earned_at < ${local(sql`bounds.last_day + 1`)}
              AND ${orderInScope('o', scope)}
            GROUP BY 1),
         compared AS (
           SELECT
             (SELECT coalesce(sum(o.total_fen), 0) FROM orders o
               WHERE o.paid_at >= ${local(sql`b.month_start`)} AND o.paid_at < ${local(sql`b.last_day + 1`)}
                 AND ${orderInScope('o', scope)}) AS cur_gmv,
             (SELECT coalesce(sum(o.platform_share_fen), 0) FROM orders o
               WHERE o.earned_at >= ${local(sql`b.month_start`)} AND o.earned_at < ${local(sql`b.last_day + 1`)}
                 AND ${orderInScope('o', scope)}) AS cur_platform,
             (SELECT coalesce(sum(o.total_fen), 0) FROM orders o
               WHERE o.paid_at >= ${local(sql`b.prev_start`)} AND o.paid_at < ${local(sql`b.prev_last + 1`)}
                 AND ${orderInScope('o', scope)}) AS prev_gmv,
             (SELECT coalesce(sum(o.platform_share_fen), 0) FROM orders o
               WHERE o.earned_at >= ${local(sql`b.prev_start`)} AND o.earned_at < ${local(sql`b.prev_last + 1`)}
                 AND ${orderInScope('o', scope)}) AS prev_platform,
             b.month_start, b.last_day, b.prev_start, b.prev_last
             FROM bounds b)
    SELECT to_char(bk.key, ${monthly ? 'YYYY-MM' : 'YYYY-MM-DD'}) AS key,
           coalesce(p.orders, 0) AS orders, coalesce(p.gmv, 0) AS gmv, coalesce(e.platform, 0) AS platform,
           c.cur_gmv, c.cur_platform, c.prev_gmv, c.prev_platform,
           to_char(c.month_start, 'YYYY-MM-DD') AS cur_from, to_char(c.last_day, 'YYYY-MM-DD') AS cur_to,
           to_char(c.prev_start, 'YYYY-MM-DD') AS prev_from, to_char(c.prev_last, 'YYYY-MM-DD') AS prev_to
      FROM buckets bk
      CROSS JOIN compared c
      LEFT JOIN paid p ON p.key = bk.key
      LEFT JOIN earned e ON e.key = bk.key
     ORDER BY bk.key`);
  const c = rows[0]!;
  const current = {
    from: String(c.cur_from),
    to: String(c.cur_to),
    gmvFen: Number(c.cur_gmv),
    platformFen: Number(c.cur_platform),
  };
  const previous = {
    from: String(c.prev_from),
    to: String(c.prev_to),
    gmvFen: Number(c.prev_gmv),
    platformFen: Number(c.prev_platform),
  };
  return {
    granularity: input.granularity,
    buckets: rows.map((r) => ({
      key: String(r.key),
      orderCount: Number(r.orders),
      gmvFen: Number(r.gmv),
      platformFen: Number(r.platform),
    })),
    monthOnMonth: {
      current,
      previous,
      gmvChangeBps: changeBps(current.gmvFen, previous.gmvFen),
      platformChangeBps: changeBps(current.platformFen, previous.platformFen),
    },
  };
}
