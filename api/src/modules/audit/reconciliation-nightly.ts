import { reconciliationDays, type Db } from '@cgp/db';
import { and, asc, desc, gt, isNull, lt } from 'drizzle-orm';
import type Stripe from 'stripe';
import { addDays, businessDateOf } from '../merchant/business-date';
import { datesOf } from './reconciliation-match';
import { reconcilePeriod } from './reconciliation.service';

/** How many missed nights one run catches up on (a longer outage is caught up over nights). */
const CATCH_UP_DAYS = 31;

/**
 * The nightly reconciliation: yesterday; any day since the last reconciled one that no run covered
 * (a night the job did not run); and every earlier day that still has findings, so a day turns
 * reconciled as soon as what was missing is booked. Each period is a stored run; running it again
 * only replaces the days' status.
 */
export async function reconcileNightly(db: Db, stripe: Stripe, timeZone: string, now = new Date()) {
  const yesterday = addDays(businessDateOf(now, timeZone), -1);
  const [last] = await db
    .select({ day: reconciliationDays.businessDate })
    .from(reconciliationDays)
    .where(
      and(isNull(reconciliationDays.companyId), lt(reconciliationDays.businessDate, yesterday)),
    )
    .orderBy(desc(reconciliationDays.businessDate))
    .limit(1);
  const from = last ? addDays(last.day, 1) : yesterday;
  const caughtUpFrom =
    datesOf({ from, to: yesterday }).length > CATCH_UP_DAYS
      ? addDays(yesterday, 1 - CATCH_UP_DAYS)
      : from;
  const open = await db
    .select({ day: reconciliationDays.businessDate })
    .from(reconciliationDays)
    .where(
      and(
        isNull(reconciliationDays.companyId),
        gt(reconciliationDays.findings, 0),
        lt(reconciliationDays.businessDate, caughtUpFrom),
      ),
    )
    .orderBy(asc(reconciliationDays.businessDate));
  const runs = [];
  for (const { day } of open) {
    runs.push(
      await reconcilePeriod(db, stripe, { from: day, to: day }, { timeZone, trigger: 'nightly' }),
    );
  }
  runs.push(
    await reconcilePeriod(
      db,
      stripe,
      { from: caughtUpFrom, to: yesterday },
      { timeZone, trigger: 'nightly' },
    ),
  );
  return {
    periods: [...open.map((o) => o.day), `${caughtUpFrom}..${yesterday}`],
    findings: runs.reduce((n, r) => n + r.findings.length, 0),
    runIds: runs.map((r) => r.runId),
  };
}
