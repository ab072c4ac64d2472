import {
  NIGHTLY_RECONCILIATION_CRON,
  QUEUES,
  reconcileNightly,
  reconciliationOverdue,
  type AppDeps,
} from '@cgp/api';
import type { Job, Queue } from 'bullmq';
import type Stripe from 'stripe';
import { upsertSchedule } from '../schedule';
import type { WorkerDefinition } from '../worker-host';

const NIGHTLY_SCHEDULER_ID = 'reconciliation-nightly';
const SWEEP_SCHEDULER_ID = 'reconciliation-sweep';
const SWEEP_JOB = 'sweep';

/**
 * `reconciliation`: yesterday's business day (and any day missed or still with findings) against
 * the processor's balance transactions. Read-only there; running it again only restates the days.
 * The sweep runs it when the nightly run is overdue in PostgreSQL's eyes (its job was lost).
 */
export function reconciliationWorker(deps: AppDeps, stripe: Stripe): WorkerDefinition {
  return {
    queue: QUEUES.reconciliation,
    processor: async (job: Job) => {
      const due =
        job.name !== SWEEP_JOB ||
        (await reconciliationOverdue(deps.db, {
          timeZone: deps.env.TZ_BUSINESS,
          graceSeconds: deps.env.SCHEDULE_GRACE_SECONDS,
        }));
      if (!due) return { overdue: false };
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

/** The nightly run (03:30 business time) and its sweep on the timer sweep's period. */
export async function scheduleNightlyReconciliation(
  queue: Queue,
  timeZone: string,
  sweepSeconds: number,
) {
  await upsertSchedule(
    queue,
    NIGHTLY_SCHEDULER_ID,
    { pattern: NIGHTLY_RECONCILIATION_CRON, tz: timeZone },
    { name: 'run', retry: { attempts: 5, backoffMs: 60_000 } },
  );
  await upsertSchedule(
    queue,
    SWEEP_SCHEDULER_ID,
    { every: sweepSeconds * 1000 },
    { name: SWEEP_JOB },
  );
}
