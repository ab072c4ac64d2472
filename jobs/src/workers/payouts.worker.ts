import { markPayoutFailed, payStatement, QUEUES, sweepDuePayouts, type AppDeps } from '@cgp/api';
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import type Stripe from 'stripe';
import { upsertSchedule } from '../schedule';
import type { WorkerDefinition } from '../worker-host';

const SWEEP_JOB = 'sweep';
const SWEEP_SCHEDULER_ID = 'payout-sweep';

/**
 * `payouts`: one Stripe transfer per statement. Transient failures are retried with exponential
 * backoff (the relay gives these jobs their attempts); after the last attempt the statement is
 * `failed`, with the reason, for ops to retry.
 */
export function payoutsWorker(deps: AppDeps, stripe: Stripe): WorkerDefinition {
  return {
    queue: QUEUES.payouts,
    concurrency: 2,
    processor: async (job: Job<{ statementId?: string }>) => {
      if (job.name === SWEEP_JOB) {
        const redriven = await sweepDuePayouts(deps.db, deps.env.PAYOUT_RESEND_SECONDS);
        if (redriven.length) deps.logger.warn({ statements: redriven }, 'payouts sent again');
        return { redriven: redriven.length };
      }
      const statementId = job.data.statementId;
      if (!statementId) throw new UnrecoverableError(`Payout job ${job.id} names no statement`);
      try {
        return { outcome: await payStatement(deps.db, stripe, statementId) };
      } catch (error) {
        const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (last || error instanceof UnrecoverableError) {
          await markPayoutFailed(deps.db, statementId, (error as Error).message);
        }
        throw error;
      }
    },
  };
}

/** On the timer sweep's period: pending payouts whose job was given up or lost get a new one. */
export async function schedulePayoutSweep(queue: Queue, everySeconds: number): Promise<void> {
  await upsertSchedule(
    queue,
    SWEEP_SCHEDULER_ID,
    { every: everySeconds * 1000 },
    { name: SWEEP_JOB },
  );
}
