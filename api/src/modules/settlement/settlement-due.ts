import type { Db } from '@cgp/db';
import { sql } from 'drizzle-orm';
import { lastDueTick } from '../outbox/due-ticks';
import { buildStatements, SETTLEABLE, type SettlementRun } from './build-statements';

/**
 * The settlement's sweeper (SPEC §6). An order is due for settlement at the first scheduled run
 * after it was earned; if one earned before the last run that is `graceSeconds` overdue is still
 * unsettled, that run was lost (Redis flushed, the job given up as stalled) and the run is made
 * now. A run takes every eligible order in one set-based transaction, so one made twice settles
 * nothing twice. Returns the run made, or null when nothing was overdue.
 */
export async function settleOverdue(
  db: Db,
  schedule: { cron: string; timeZone: string; graceSeconds: number; now?: Date },
): Promise<SettlementRun | null> {
  const due = lastDueTick(schedule.cron, schedule.timeZone, schedule.graceSeconds, schedule.now);
  const { rows } = await db.execute<{ overdue: boolean }>(sql`
    SELECT EXISTS (
      SELECT 1 FROM orders o JOIN merchants m ON m.id = o.merchant_id
       WHERE ${SETTLEABLE} AND o.earned_at < ${due.toISOString()}::timestamptz) AS overdue`);
  if (!rows[0]?.overdue) return null;
  return buildStatements(db);
}
