import type { DbOrTx } from '@cgp/db';
import { sql, type SQL } from 'drizzle-orm';
import { merchantInScope, orderIdInScope, type TenantScope } from '../identity/tenant-scope';

/** How many business days back the console looks for days not yet reconciled. */
export const UNRECONCILED_LOOKBACK_DAYS = 30;

/** SQL true when the finding `f` (a jsonb element of a run's findings) is about the scope's money. */
function findingInScope(f: SQL, scope: TenantScope): SQL {
  if (scope.kind === 'deployment') return sql`true`;
  const subject = sql`(${f}->>'subjectId')`;
  return sql`(
    (${f}->>'subjectType' = 'statement' AND EXISTS (SELECT 1 FROM statements s
       WHERE s.id::text = ${subject} AND ${merchantInScope(sql`s.merchant_id`, scope)}))
    OR (${f}->>'subjectType' = 'refund' AND EXISTS (SELECT 1 FROM refunds rf
       WHERE rf.id::text = ${subject} AND ${orderIdInScope(sql`rf.order_id`, scope)}))
    OR (${f}->>'subjectType' = 'payment' AND EXISTS (SELECT 1 FROM payments p
       WHERE p.id::text = ${subject} AND ${orderIdInScope(sql`p.order_id`, scope)})))`;
}

/**
 * Business days, of the last {@link UNRECONCILED_LOOKBACK_DAYS} before today, that are not shown as
 * reconciled: the latest reconciliation run whose window covers the whole day found something
 * about the scope's money, or no run covers the day. Days before the first run ever made are not
 * counted (there was nothing to reconcile with yet); `null` when no run has ever been made.
 *
 * This reads the nightly runs' windows as they are stored today; when reconciliation keeps a
 * result per business day, this is the one place to read that instead.
 */
export async function unreconciledDays(
  db: DbOrTx,
  scope: TenantScope,
  timeZone: string,
): Promise<number | null> {
  const { rows } = await db.execute<{ first_day: string | null; unreconciled: number | null }>(sql`
    WITH today AS (SELECT (now() AT TIME ZONE ${timeZone})::date AS d),
         first_run AS (SELECT min(window_from) AS at FROM reconciliation_runs),
         days AS (
           SELECT g::date AS d
             FROM today, first_run,
                  generate_series(
                    greatest(today.d - ${UNRECONCILED_LOOKBACK_DAYS}::int,
                             -- the first day the first run covered whole
                             ((first_run.at AT TIME ZONE ${timeZone}) + interval '1 day'
                               - interval '1 microsecond')::date),
                    today.d - 1, interval '1 day') g
            WHERE first_run.at IS NOT NULL),
         latest AS (
           SELECT d.d,
                  (SELECT r.id FROM reconciliation_runs r
                    WHERE r.window_from <= (d.d::timestamp AT TIME ZONE ${timeZone})
                      AND r.window_to >= ((d.d + 1)::timestamp AT TIME ZONE ${timeZone})
                    ORDER BY r.finished_at DESC LIMIT 1) AS run_id
             FROM days d)
    SELECT (SELECT at FROM first_run)::text AS first_day,
           (SELECT count(*)::int FROM latest l
             WHERE l.run_id IS NULL
                OR EXISTS (SELECT 1 FROM reconciliation_runs r, jsonb_array_elements(r.findings) f
                            WHERE r.id = l.run_id AND ${findingInScope(sql`f`, scope)})) AS unreconciled`);
  const row = rows[0];
  return row?.first_day ? Number(row.unreconciled) : null;
}
