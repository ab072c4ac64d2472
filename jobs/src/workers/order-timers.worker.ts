import { QUEUES, TIMER_JOBS, type AppDeps } from '@cgp/api';
import { fireOrderTimer, sweepOverdueTimers, timersFrom } from '@cgp/api';
import type { Job, Queue } from 'bullmq';
import { upsertSchedule } from '../schedule';
import type { WorkerDefinition } from '../worker-host';

const SWEEP_SCHEDULER_ID = 'order-timer-sweep';

/** `order-timers`: payment expiry, acceptance SLA, auto-confirm, and the periodic sweep. */
export function orderTimersWorker(deps: AppDeps): WorkerDefinition {
  const timers = timersFrom(deps.env);
  return {
    queue: QUEUES.orderTimers,
    concurrency: 4,
    processor: async (job: Job<{ orderId?: string }>) => {
      if (job.name === TIMER_JOBS.sweep) {
        return { moved: await sweepOverdueTimers(deps.db, timers) };
      }
      if (!job.data.orderId) throw new Error(`Timer job ${job.id} names no order`);
      return { outcome: await fireOrderTimer(deps.db, job.name, job.data.orderId, timers) };
    },
  };
}

/**
 * (Re)creates the sweep schedule. Called at start and whenever Redis comes back, since a Redis
 * that lost its data also lost the schedule.
 */
export async function scheduleOrderTimerSweep(queue: Queue, everySeconds: number): Promise<void> {
  await upsertSchedule(
    queue,
    SWEEP_SCHEDULER_ID,
    { every: everySeconds * 1000 },
    { name: TIMER_JOBS.sweep },
  );
}
