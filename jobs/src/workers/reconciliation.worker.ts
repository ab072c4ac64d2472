import { QUEUES, reconcileNightly, type AppDeps } from '@cgp/api';
import type { Queue } from 'bullmq';
import type Stripe from 'stripe';
import { upsertSchedule } from '../schedule';
import type { WorkerDefinition } from '../worker-host';

const NIGHTLY_SCHEDULER_ID = 'reconciliation-nightly';
/** 03:30 business time: after the 02:00 settlement has paid out. */
const NIGHTLY_CRON = '30 3 * * *';

/**
 * `reconciliation`: yesterday's business day (and any day missed or still with findings) against
 * the processor's balance transactions. Read-only there; running it again only restates the days.
 */
export function reconciliationWorker(deps: AppDeps, stripe: Stripe): WorkerDefinition {
  return {
    queue: QUEUES.reconciliation,
    processor: async () => {
      const outcome = await reconcileNightly(deps.db, stripe, deps.env.TZ_BUSINESS);
      const log = outcome.findings
        ? deps.logger.error.bind(deps.logger)
        : deps.logger.info.bind(deps.logger);
      log(
        outcome,
        outcome.findings
          ? 'reconciliation found disagreements'
          : 'reconciliation found nothing amiss',
      );
      return outcome;
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
