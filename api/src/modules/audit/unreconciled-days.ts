import type { DbOrTx } from '@cgp/db';
import { sql } from 'drizzle-orm';
import type { TenantScope } from '../identity/tenant-scope';

/** How many business days back the console looks for days not yet reconciled. */
export const UNRECONCILED_LOOKBACK_DAYS = 30;

/**
 * Business days, of the last {@link UNRECONCILED_LOOKBACK_DAYS} before today, not shown as
 * reconciled for the scope, read as the reconciliation page reads them: a day no run has covered,
 * or whose latest run (the deployment's row for the day) found something about the scope's money
 * (any finding for the operator). Days before the first reconciled day are not counted (there was
 * nothing to reconcile with yet); `null` when no day has ever been reconciled.
 */
export async function unreconciledDays(
  db: DbOrTx,
  scope: TenantScope,
  timeZone: string,
): Promise<number | null> {
  const ownFinding =
    scope.kind === 'deployment' ? sql`true` : sql`f.company_id = ${scope.companyId}::uuid`;
  const { rows } = await db.execute<{ first_day: string | null; unreconciled: number }>(sql`
    WITH today AS (SELECT (now() AT TIME ZONE ${timeZone})::date AS d),
         first_day AS (SELECT min(business_date) AS d FROM reconciliation_days WHERE company_id IS NULL),
         days AS (
           SELECT g::date AS d
             FROM today, first_day,
                  generate_series(greatest(today.d - ${UNRECONCILED_LOOKBACK_DAYS}::int, first_day.d),
                                  today.d - 1, interval '1 day') g
            WHERE first_day.d IS NOT NULL)
    SELECT (SELECT d FROM first_day)::text AS first_day,
           (SELECT count(*)::int
              FROM days
              LEFT JOIN reconciliation_days rd ON rd.business_date = days.d AND rd.company_id IS NULL
             WHERE rd.run_id IS NULL
                OR EXISTS (SELECT 1 FROM reconciliation_findings f
                            WHERE f.run_id = rd.run_id AND f.business_date = days.d
                              AND ${ownFinding})) AS unreconciled`);
  const row = rows[0];
  return row?.first_day ? Number(row.unreconciled) : null;
}
