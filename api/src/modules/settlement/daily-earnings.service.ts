import { type DbOrTx } from '@cgp/db';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { DEFAULT_PLATFORM_BPS, split } from '../ledger/split';
import { addDays, businessDateOf } from '../merchant/business-date';
import type { dailyEarningsInput } from './settlement.schema';

/** Orders whose service is done: their share is the merchant's, earned or about to be. */
const SERVED = ['completed', 'disputed', 'confirmed', 'settled', 'refunded'] as const;

export interface EarningDay {
  /** Business day, `YYYY-MM-DD`. */
  date: string;
  /** The merchant's share of orders served that day and confirmed (earned). */
  earnedFen: number;
  /** The merchant's share, at the order's rate, of orders served that day awaiting confirmation. */
  pendingFen: number;
  orderCount: number;
}

/**
 * `merchant.earningsByDay`: the merchant's share of the orders it finished, by the business day
 * it finished them, for the last `days` days up to today (every day listed, quiet ones as zero).
 * A confirmed order counts its booked share; one still awaiting the resident's confirmation
 * counts what it will earn at its rate, net of refunds, as `merchant.earnings` does.
 */
export async function merchantEarningsByDay(
  db: DbOrTx,
  merchantId: string,
  input: z.infer<typeof dailyEarningsInput>,
  timeZone: string,
  now = new Date(),
) {
  const today = businessDateOf(now, timeZone);
  const first = addDays(today, 1 - input.days);
  const { rows } = await db.execute<{
    day: string;
    total_fen: string;
    refund_fen: string;
    platform_bps: number | null;
    merchant_share_fen: string | null;
    earned: boolean;
  }>(sql`
    SELECT to_char(completed_at AT TIME ZONE ${timeZone}, 'YYYY-MM-DD') AS day, total_fen, refund_fen,
           platform_bps, merchant_share_fen, earned_at IS NOT NULL AS earned
      FROM orders
     WHERE merchant_id = ${merchantId}
       AND status IN (${sql.join(
         SERVED.map((s) => sql`${s}`),
         sql`, `,
       )})
       AND completed_at >= (${first}::date::timestamp AT TIME ZONE ${timeZone})`);
  const byDay = new Map<string, EarningDay>();
  for (let d = first; d <= today; d = addDays(d, 1)) {
    byDay.set(d, { date: d, earnedFen: 0, pendingFen: 0, orderCount: 0 });
  }
  for (const r of rows) {
    const day = byDay.get(r.day);
    if (!day) continue;
    day.orderCount += 1;
    if (r.earned) day.earnedFen += Number(r.merchant_share_fen ?? 0);
    else {
      const net = Number(r.total_fen) - Number(r.refund_fen);
      day.pendingFen += split(net, r.platform_bps ?? DEFAULT_PLATFORM_BPS).merchantFen;
    }
  }
  const days = [...byDay.values()];
  return { today, days, todayTotal: days[days.length - 1]! };
}
