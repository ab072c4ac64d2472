import { buildStatements, QUEUES, settleOverdue, type AppDeps } from '@cgp/api';
import type { Job, Queue } from 'bullmq';
import { upsertSchedule } from '../schedule';
import type { WorkerDefinition } from '../worker-host';

const DAILY_SCHEDULER_ID = 'settlement-daily';
const SWEEP_SCHEDULER_ID = 'settlement-sweep';
const SWEEP_JOB = 'sweep';

/**
 * `settlement`: one run settles every eligible order of every merchant (set-based, one
 * transaction); the sweep makes a run that is overdue in PostgreSQL's eyes (its job was lost).
 */
export function settlementWorker(deps: AppDeps): WorkerDefinition {
  return {
    queue: QUEUES.settlement,
    processor: async (job: Job) => {
      const run =
        job.name === SWEEP_JOB
          ? await settleOverdue(deps.db, {
              cron: deps.env.SETTLEMENT_CRON,
              timeZone: deps.env.TZ_BUSINESS,
              graceSeconds: deps.env.SCHEDULE_GRACE_SECONDS,
            })
          : await buildStatements(deps.db);
      if (!run) return { overdue: false };
      deps.logger.info(
        { runId: run.runId, statements: run.statements.length, orders: run.orderCount },
        job.name === SWEEP_JOB ? 'overdue settlement run made' : 'settlement run finished',
      );
      return { runId: run.runId, statements: run.statements.length, orders: run.orderCount };
    },
  };
}

/**
 * The daily run, on `SETTLEMENT_CRON` in `TZ_BUSINESS` (default 02:00 Asia/Shanghai), and its
 * sweep on the timer sweep's period.
 */
export async function scheduleDailySettlement(
  queue: Queue,
  cron: string,
  timeZone: string,
  sweepSeconds: number,
): Promise<void> {
  await upsertSchedule(
    queue,
    DAILY_SCHEDULER_ID,
    { pattern: cron, tz: timeZone },
    { name: 'run', retry: { attempts: 5, backoffMs: 30_000 } },
  );
  await upsertSchedule(
    queue,
    SWEEP_SCHEDULER_ID,
    { every: sweepSeconds * 1000 },
    { name: SWEEP_JOB },
  );
}
