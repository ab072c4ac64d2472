import { callbackRuns, callbackTasks, propertyCompanies, type Db } from '@cgp/db';
import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { drawCallbackSample, type ServedHousehold } from './callback-sample';

/** Callbacks for a month are due on the 1st of the next month at 09:00 business time. */
export const CALLBACK_CRON = '0 9 1 * *';
const DUE_HOUR = 9;

/** `YYYY-MM-01` of the month before `month`. */
function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
}

/**
 * The latest month whose callbacks are due at `now`: last month once the 1st, 09:00 (business
 * time) has come, else the month before it. Pure; the zone is an argument.
 */
export function dueCallbackMonth(now: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const thisMonth = `${parts.year}-${parts.month}-01`;
  const last = previousMonth(thisMonth);
  const dueThisMonth = parts.day !== '01' || Number(parts.hour) >= DUE_HOUR;
  return dueThisMonth ? last : previousMonth(last);
}

/** Households of a company served (an order completed) in `month`, with those orders. */
async function servedHouseholds(
  db: Pick<Db, 'execute'>,
  companyId: string,
  month: string,
  timeZone: string,
) {
  const { rows } = await db.execute<{
    unit_id: string;
    community_id: string;
    orders: { orderId: string; merchantId: string }[];
  }>(sql`
    SELECT o.unit_id, min(o.community_id::text) AS community_id,
           jsonb_agg(jsonb_build_object('orderId', o.id, 'merchantId', o.merchant_id)) AS orders
      FROM orders o
      JOIN communities c ON c.id = o.community_id
     WHERE c.company_id = ${companyId}
       AND o.completed_at >= (${month}::date)::timestamp AT TIME ZONE ${timeZone}
       AND o.completed_at < ((${month}::date) + interval '1 month')::timestamp AT TIME ZONE ${timeZone}
     GROUP BY o.unit_id`);
  return rows;
}

export interface CallbackRunOutcome {
  companyId: string;
  month: string;
  runId: string;
  created: boolean;
  households: number;
  sampled: number;
}

/**
 * The callback run of one company for one month, made once: the run row (unique per company and
 * month) and its tasks are written in one transaction, so a second run, a run in parallel or a
 * run after a killed worker finds the first one and adds nothing.
 */
export async function runCallbacksForCompany(
  db: Db,
  input: { companyId: string; month: string; timeZone: string; seed?: number },
): Promise<CallbackRunOutcome> {
  return db.transaction(async (tx) => {
    const served = await servedHouseholds(tx, input.companyId, input.month, input.timeZone);
    const seed = input.seed ?? randomInt(2 ** 31);
    const sample = drawCallbackSample(
      served.map<ServedHousehold>((h) => ({ unitId: h.unit_id, orders: h.orders })),
      seed,
    );
    const [run] = await tx
      .insert(callbackRuns)
      .values({
        companyId: input.companyId,
        month: input.month,
        dueAt: sql`((${input.month}::date + interval '1 month')::timestamp + make_interval(hours => ${DUE_HOUR})) AT TIME ZONE ${input.timeZone}`,
        seed,
        households: served.length,
        sampled: sample.length,
      })
      .onConflictDoNothing()
      .returning();
    if (!run) {
      const [existing] = await tx
        .select()
        .from(callbackRuns)
        .where(
          sql`${callbackRuns.companyId} = ${input.companyId} AND ${callbackRuns.month} = ${input.month}`,
        );
      return {
        companyId: input.companyId,
        month: input.month,
        runId: existing!.id,
        created: false,
        households: existing!.households,
        sampled: existing!.sampled,
      };
    }
    const communityOf = new Map(served.map((h) => [h.unit_id, h.community_id]));
    if (sample.length) {
      await tx.insert(callbackTasks).values(
        sample.map((p) => ({
          runId: run.id,
          companyId: input.companyId,
          communityId: communityOf.get(p.unitId)!,
          unitId: p.unitId,
          orderId: p.orderId,
          merchantId: p.merchantId,
        })),
      );
    }
    return {
      companyId: input.companyId,
      month: input.month,
      runId: run.id,
      created: true,
      households: served.length,
      sampled: sample.length,
    };
  });
}

/**
 * The monthly job and its sweeper in one: every company gets its run for the month due at `now`
 * unless it has one. Any number of calls, at any time, make each run once.
 */
export async function runDueCallbacks(
  db: Db,
  options: { now?: Date; timeZone: string },
): Promise<CallbackRunOutcome[]> {
  const month = dueCallbackMonth(options.now ?? new Date(), options.timeZone);
  const missing = await db
    .select({ id: propertyCompanies.id })
    .from(propertyCompanies)
    .where(
      sql`NOT EXISTS (SELECT 1 FROM ${callbackRuns} r WHERE r.company_id = ${propertyCompanies.id} AND r.month = ${month})`,
    );
  const outcomes: CallbackRunOutcome[] = [];
  for (const company of missing) {
    outcomes.push(
      await runCallbacksForCompany(db, {
        companyId: company.id,
        month,
        timeZone: options.timeZone,
      }),
    );
  }
  return outcomes;
}

/**
 * Draws a stored run's sample again from its seed, for checking: the same households as its
 * tasks, as long as the month's served orders are what they were.
 */
export async function redrawCallbackRun(db: Db, runId: string, timeZone: string) {
  const [run] = await db
    .select()
    .from(callbackRuns)
    .where(sql`${callbackRuns.id} = ${runId}`);
  if (!run) return null;
  const served = await servedHouseholds(db, run.companyId, run.month, timeZone);
  return drawCallbackSample(
    served.map((h) => ({ unitId: h.unit_id, orders: h.orders })),
    run.seed,
  );
}
