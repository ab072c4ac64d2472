import { CALLBACK_CRON, QUEUES, giveDefaultRatings, runDueCallbacks, type AppDeps } from '@cgp/api';
import type { Job, Queue } from 'bullmq';
import { upsertSchedule } from '../schedule';
import type { WorkerDefinition } from '../worker-host';

export const SURVEY_JOBS = { callbacks: 'monthly-callbacks', sweep: 'sweep' } as const;

const MONTHLY_SCHEDULER_ID = 'surveys-monthly-callbacks';
const SWEEP_SCHEDULER_ID = 'surveys-sweep';

/**
 * `surveys`: the monthly callback run (回访) and the default ratings. Both are decided in
 * PostgreSQL — a run is unique per company and month, a default rating is due on its order — so
 * the sweep redoes whatever a flushed Redis or a killed worker lost, and a repeat does nothing.
 */
export function surveysWorker(deps: AppDeps): WorkerDefinition {
  return {
    queue: QUEUES.surveys,
    processor: async (job: Job) => {
      const runs = await runDueCallbacks(deps.db, { timeZone: deps.env.TZ_BUSINESS });
      for (const run of runs.filter((r) => r.created)) {
        deps.logger.info(run, 'callback tasks made for the month');
      }
      const defaultRatings = job.name === SURVEY_JOBS.sweep ? await giveDefaultRatings(deps.db) : 0;
      return { runs: runs.filter((r) => r.created).length, defaultRatings };
    },
  };
}

/** The 1st of each month, 09:00 business time; and the sweep on the timer sweep's period. */
export async function scheduleSurveys(
  queue: Queue,
  timeZone: string,
  sweepSeconds: number,
): Promise<void> {
  await upsertSchedule(
    queue,
    MONTHLY_SCHEDULER_ID,
    { pattern: CALLBACK_CRON, tz: timeZone },
    { name: SURVEY_JOBS.callbacks, retry: { attempts: 5, backoffMs: 60_000 } },
  );
  await upsertSchedule(
    queue,
    SWEEP_SCHEDULER_ID,
    { every: sweepSeconds * 1000 },
    { name: SURVEY_JOBS.sweep },
  );
}
