import { reconciliationRuns, type Db } from '@cgp/db';
import { and, eq, gte } from 'drizzle-orm';
import { lastDueTick } from '../outbox/due-ticks';

/** 03:30 business time: after the 02:00 settlement has paid out. */
export const NIGHTLY_RECONCILIATION_CRON = '30 3 * * *';

/**
 * The nightly reconciliation's due time (SPEC §6): true when the last nightly run that is
 * `graceSeconds` overdue has no nightly run finished since, so its job was lost (Redis flushed,
 * given up as stalled) and the sweeper must run it.
 */
export async function reconciliationOverdue(
  db: Db,
  schedule: { timeZone: string; graceSeconds: number; now?: Date },
): Promise<boolean> {
  const due = lastDueTick(
    NIGHTLY_RECONCILIATION_CRON,
    schedule.timeZone,
    schedule.graceSeconds,
    schedule.now,
  );
  const done = await db
    .select({ id: reconciliationRuns.id })
    .from(reconciliationRuns)
    .where(and(eq(reconciliationRuns.trigger, 'nightly'), gte(reconciliationRuns.finishedAt, due)))
    .limit(1);
  return done.length === 0;
}
