import { markPayoutFailed, payStatement, QUEUES, type AppDeps } from '@cgp/api';
import { UnrecoverableError, type Job } from 'bullmq';
import type Stripe from 'stripe';
import type { WorkerDefinition } from '../worker-host';

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
