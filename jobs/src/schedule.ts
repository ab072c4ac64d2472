import type { Queue, RepeatOptions } from 'bullmq';

/**
 * (Re)creates a repeating job: BullMQ's job scheduler keyed by `id`, so calling it again (at every
 * start, and whenever Redis comes back empty) replaces the schedule instead of adding one. The last
 * hundred runs are kept for the dashboard; `retry` gives a run its attempts with exponential
 * backoff.
 */
export async function upsertSchedule(
  queue: Queue,
  id: string,
  repeat: Omit<RepeatOptions, 'key'>,
  job: { name: string; retry?: { attempts: number; backoffMs: number } },
): Promise<void> {
  await queue.upsertJobScheduler(id, repeat, {
    name: job.name,
    opts: {
      ...(job.retry && {
        attempts: job.retry.attempts,
        backoff: { type: 'exponential', delay: job.retry.backoffMs },
      }),
      removeOnComplete: 100,
      removeOnFail: 100,
    },
  });
}
