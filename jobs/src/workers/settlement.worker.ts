import { buildStatements, QUEUES, type AppDeps } from '@cgp/api';
import type { Queue } from 'bullmq';
import { upsertSchedule } from '../schedule';
import type { WorkerDefinition } from '../worker-host';

const DAILY_SCHEDULER_ID = 'settlement-daily';

/** `settlement`: one run settles every eligible order of every merchant (set-based, one transaction). */
export function settlementWorker(deps: AppDeps): WorkerDefinition {
  return {
    queue: QUEUES.settlement,
    processor: async () => {
      const run = await buildStatements(deps.db);
      deps.logger.info(
        { runId: run.runId, statements: run.statements.length, orders: run.orderCount },
        'settlement run finished',
      );
      return { runId: run.runId, statements: run.statements.length, orders: run.orderCount };
    },
  };
}

/** The daily run, on `SETTLEMENT_CRON` in `TZ_BUSINESS` (default 02:00 Asia/Shanghai). */
export async function scheduleDailySettlement(
  queue: Queue,
  cron: string,
  timeZone: string,
): Promise<void> {
  await upsertSchedule(
    queue,
    DAILY_SCHEDULER_ID,
    { pattern: cron, tz: timeZone },
    { name: 'run', retry: { attempts: 5, backoffMs: 30_000 } },
  );
}
