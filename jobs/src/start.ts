import { openRedis, QUEUES, queuePrefix, type AppDeps } from '@cgp/api';
import { Queue } from 'bullmq';
import { startOutboxRelay } from './outbox-relay';
import { startWorkerHost } from './worker-host';
import { workerDefinitions } from './workers';
import { scheduleOrderTimerSweep } from './workers/order-timers.worker';
import {
  REFUND_SWEEP_SCHEDULER_ID,
  scheduleCheckoutExpiry,
  scheduleRefundSweep,
} from './workers/payments.worker';
import { schedulePayoutSweep } from './workers/payouts.worker';
import { scheduleNightlyReconciliation } from './workers/reconciliation.worker';
import { scheduleDailySettlement } from './workers/settlement.worker';
import { scheduleSurveys } from './workers/surveys.worker';

export interface Jobs {
  queueFor: (name: string) => Queue;
  close: () => Promise<void>;
}

/**
 * Starts the job side of the platform: the outbox relay, every worker, and the schedules.
 * Works against the deps' PostgreSQL (the truth) and Redis (the carrier).
 */
export async function startJobs(deps: AppDeps): Promise<Jobs> {
  const prefix = (queue: string) => queuePrefix(deps.env, queue);
  // Workers block on Redis; BullMQ requires such connections to retry commands forever.
  const workerConnection = openRedis(deps.env, { maxRetriesPerRequest: null });
  // Producers must fail fast instead, so an outage leaves rows in the outbox rather than hanging.
  const producerConnection = openRedis(deps.env, { maxRetriesPerRequest: 1 });
  for (const c of [workerConnection, producerConnection]) c.on('error', () => undefined);

  const queues = new Map<string, Queue>();
  const queueFor = (name: string) => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: producerConnection, prefix: prefix(name) });
      queue.on('error', () => undefined);
      queues.set(name, queue);
    }
    return queue;
  };

  const ensureSchedules = async () => {
    await scheduleOrderTimerSweep(queueFor(QUEUES.orderTimers), deps.env.TIMER_SWEEP_SECONDS);
    if (deps.payments) {
      await scheduleCheckoutExpiry(queueFor(QUEUES.payments), deps.env.TIMER_SWEEP_SECONDS);
      await scheduleRefundSweep(queueFor(QUEUES.payments), deps.env.TIMER_SWEEP_SECONDS);
      await schedulePayoutSweep(queueFor(QUEUES.payouts), deps.env.TIMER_SWEEP_SECONDS);
      await scheduleNightlyReconciliation(queueFor(QUEUES.reconciliation), deps.env.TZ_BUSINESS);
    }
    await scheduleDailySettlement(
      queueFor(QUEUES.settlement),
      deps.env.SETTLEMENT_CRON,
      deps.env.TZ_BUSINESS,
    );
    await scheduleSurveys(queueFor(QUEUES.surveys), deps.env.TZ_BUSINESS);
  };
  await ensureSchedules();
  // The connection is up now, so any later 'ready' is a reconnect — and a Redis that restarted
  // empty lost every schedule: put them back.
  producerConnection.on('ready', () => {
    ensureSchedules().catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'could not restore job schedules'),
    );
  });

  // Redis can also lose its keys without the connection dropping (a flush, a failover to an empty
  // replica, eviction): on the sweep's period, a missing sweep schedule means the schedules are
  // gone, and they are put back.
  const scheduleWatch = setInterval(() => {
    const marker = deps.payments
      ? queueFor(QUEUES.payments).getJobScheduler(REFUND_SWEEP_SCHEDULER_ID)
      : Promise.resolve(true);
    marker
      .then((found) => (found ? undefined : ensureSchedules()))
      .catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'could not check the job schedules'),
      );
  }, deps.env.TIMER_SWEEP_SECONDS * 1000);
  scheduleWatch.unref();

  const host = await startWorkerHost({
    connection: workerConnection,
    prefix,
    logger: deps.logger,
    definitions: workerDefinitions(deps),
    lockMs: deps.env.JOB_LOCK_MS,
  });
  const relay = startOutboxRelay({
    db: deps.db,
    queueFor,
    pollMs: deps.env.OUTBOX_POLL_MS,
    logger: deps.logger,
  });

  return {
    queueFor,
    close: async () => {
      clearInterval(scheduleWatch);
      await relay.stop();
      await host.close();
      await Promise.all([...queues.values()].map((q) => q.close()));
      workerConnection.disconnect();
      producerConnection.disconnect();
    },
  };
}
