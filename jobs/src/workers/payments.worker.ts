import {
  expireAbandonedCheckouts,
  markRefundFailed,
  PAYMENT_JOBS,
  QUEUES,
  sendRefund,
  sweepDueRefunds,
  type AppDeps,
} from '@cgp/api';
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import { upsertSchedule } from '../schedule';
import type { WorkerDefinition } from '../worker-host';

const EXPIRY_SCHEDULER_ID = 'expire-checkouts';
export const REFUND_SWEEP_SCHEDULER_ID = 'refund-sweep';

async function refund(deps: AppDeps, job: Job<{ refundId?: string }>) {
  const { refundId } = job.data;
  if (!refundId) throw new UnrecoverableError(`Refund job ${job.id} names no refund`);
  try {
    const result = await sendRefund(deps, refundId);
    if (result.outcome === 'failed') throw new UnrecoverableError(result.reason);
    return result;
  } catch (error) {
    // After the last attempt the refund is visible to ops as failed, not pending for ever.
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (last && !(error instanceof UnrecoverableError)) {
      await markRefundFailed(
        deps.db,
        refundId,
        `Gave up after ${job.attemptsMade + 1} attempts: ${(error as Error).message}`,
      );
    }
    throw error;
  }
}

/**
 * `payments`: refunds through the Refunds API, their sweep, and closing checkouts of expired
 * orders.
 */
export function paymentsWorker(deps: AppDeps): WorkerDefinition {
  return {
    queue: QUEUES.payments,
    concurrency: 4,
    processor: async (job: Job<{ refundId?: string }>) => {
      if (job.name === PAYMENT_JOBS.refund) return refund(deps, job);
      if (job.name === PAYMENT_JOBS.expireCheckouts) {
        return { closed: await expireAbandonedCheckouts(deps) };
      }
      if (job.name === PAYMENT_JOBS.sweepRefunds) {
        const resent = await sweepDueRefunds(deps.db, deps.env.REFUND_RESEND_SECONDS);
        if (resent.length) deps.logger.warn({ refunds: resent }, 'refunds sent again');
        return { resent: resent.length };
      }
      throw new UnrecoverableError(`Unknown payments job "${job.name}"`);
    },
  };
}

/** (Re)creates the checkout-expiry schedule, on the timer sweep's period. */
export async function scheduleCheckoutExpiry(queue: Queue, everySeconds: number): Promise<void> {
  await upsertSchedule(
    queue,
    EXPIRY_SCHEDULER_ID,
    { every: everySeconds * 1000 },
    { name: PAYMENT_JOBS.expireCheckouts },
  );
}

/** (Re)creates the refund sweep, on the timer sweep's period. */
export async function scheduleRefundSweep(queue: Queue, everySeconds: number): Promise<void> {
  await upsertSchedule(
    queue,
    REFUND_SWEEP_SCHEDULER_ID,
    { every: everySeconds * 1000 },
    { name: PAYMENT_JOBS.sweepRefunds },
  );
}
