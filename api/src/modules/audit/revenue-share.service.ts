import type { DbOrTx } from '@cgp/db';
import { sql } from 'drizzle-orm';
import type { PropertyActor } from '../identity/actor';
import type { RevenueShareInput } from './audit.schema';

export interface RevenueShareRow {
  key: string;
  label: string;
  orderCount: number;
  grossFen: number;
  refundFen: number;
  netFen: number;
  merchantFen: number;
  platformFen: number;
}

/**
 * `audit.revenueShare`: what was earned in [from, to) — by the day an order earned its shares, in
 * business time — across the caller's company's communities, grouped as asked. Every figure is a
 * sum of the same order columns the ledger was posted from, so it ties out to the ledger lines.
 */
export async function revenueShare(
  db: DbOrTx,
  actor: PropertyActor,
  input: RevenueShareInput,
  timeZone: string,
): Promise<{ rows: RevenueShareRow[]; totals: Omit<RevenueShareRow, 'key' | 'label'> }> {
  const local = sql`(o.earned_at AT TIME ZONE ${timeZone})`;
  const group = {
    merchant: { key: sql`o.merchant_id::text`, label: sql`max(m.name)` },
    // Other groups are labelled by their key (filled in below).
    category: { key: sql`o.category::text`, label: sql`NULL` },
    day: { key: sql`to_char(${local}, 'YYYY-MM-DD')`, label: sql`NULL` },
    month: { key: sql`to_char(${local}, 'YYYY-MM')`, label: sql`NULL` },
  }[input.groupBy];
  const { rows } = await db.execute<Record<string, string | number>>(sql`
    SELECT ${group.key} AS key, ${group.label} AS label, count(*)::int AS order_count,
           sum(o.total_fen) AS gross, sum(o.refund_fen) AS refunds,
           sum(o.merchant_share_fen) AS merchant, sum(o.platform_share_fen) AS platform
      FROM orders o
      JOIN merchants m ON m.id = o.merchant_id
      JOIN communities c ON c.id = o.community_id
     WHERE c.company_id = ${actor.companyId}
       AND o.earned_at >= ${input.from}::timestamptz AND o.earned_at < ${input.to}::timestamptz
     GROUP BY 1
     ORDER BY 1`);
  const out = rows.map((r) => {
    const grossFen = Number(r.gross);
    const refundFen = Number(r.refunds);
    return {
      key: String(r.key),
      label: String(r.label ?? r.key),
      orderCount: Number(r.order_count),
      grossFen,
      refundFen,
      netFen: grossFen - refundFen,
      merchantFen: Number(r.merchant),
      platformFen: Number(r.platform),
    };
  });
  const totals = out.reduce(
    (t, r) => ({
      orderCount: t.orderCount + r.orderCount,
      grossFen: t.grossFen + r.grossFen,
      refundFen: t.refundFen + r.refundFen,
      netFen: t.netFen + r.netFen,
      merchantFen: t.merchantFen + r.merchantFen,
      platformFen: t.platformFen + r.platformFen,
    }),
    { orderCount: 0, grossFen: 0, refundFen: 0, netFen: 0, merchantFen: 0, platformFen: 0 },
  );
  return { rows: out, totals };
}
