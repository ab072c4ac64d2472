import {
  QUEUES,
  RECONCILIATION_WINDOW_HOURS,
  reconcileWithProcessor,
  type AppDeps,
} from '@cgp/api';
import type { Queue } from 'bullmq';
import type Stripe from 'stripe';
import { upsertSchedule } from '../schedule';
import type { WorkerDefinition } from '../worker-host';

const NIGHTLY_SCHEDULER_ID = 'reconciliation-nightly';
/** 03:30 business time: after the 02:00 settlement has paid out. */
const NIGHTLY_CRON = '30 3 * * *';

/** `reconciliation`: our books against the processor, over the last two days. Read-only there. */
export function reconciliationWorker(deps: AppDeps, stripe: Stripe): WorkerDefinition {
  return {
    queue: QUEUES.reconciliation,
    processor: async () => {
      const to = new Date();
      const from = new Date(to.getTime() - RECONCILIATION_WINDOW_HOURS * 3_600_000);
      const run = await reconcileWithProcessor(deps.db, stripe, { from, to });
      const log = run.ok ? deps.logger.info.bind(deps.logger) : deps.logger.error.bind(deps.logger);
      log(
        { runId: run.id, checked: run.checked, findings: run.findings.length },
        run.ok ? 'reconciliation found nothing amiss' : 'reconciliation found disagreements',
      );
      return { runId: run.id, ok: run.ok, findings: run.findings.length };
    },
  };
}

export async function scheduleNightlyReconciliation(queue: Queue, timeZone: string) {
  await upsertSchedule(
    queue,
    NIGHTLY_SCHEDULER_ID,
    { pattern: NIGHTLY_CRON, tz: timeZone },
    { name: 'run', retry: { attempts: 5, backoffMs: 60_000 } },
  );
}
