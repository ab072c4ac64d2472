import { openRedis, QUEUES, queuePrefix, type AppDeps } from '@cgp/api';
import { Queue } from 'bullmq';
import { startOutboxRelay } from './outbox-relay';
import { startWorkerHost } from './worker-host';
import { workerDefinitions } from './workers';
import { scheduleOrderTimerSweep } from './workers/order-timers.worker';
import { scheduleCheckoutExpiry, scheduleRefundSweep } from './workers/payments.worker';
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

  const sweep = deps.env.TIMER_SWEEP_SECONDS;
  const ensureSchedules = async () => {
    await scheduleOrderTimerSweep(queueFor(QUEUES.orderTimers), sweep);
    if (deps.payments) {
      await scheduleCheckoutExpiry(queueFor(QUEUES.payments), sweep);
      await scheduleRefundSweep(queueFor(QUEUES.payments), sweep);
      await schedulePayoutSweep(queueFor(QUEUES.payouts), sweep);
      await scheduleNightlyReconciliation(
        queueFor(QUEUES.reconciliation),
        deps.env.TZ_BUSINESS,
        sweep,
      );
    }
    await scheduleDailySettlement(
      queueFor(QUEUES.settlement),
      deps.env.SETTLEMENT_CRON,
      deps.env.TZ_BUSINESS,
      sweep,
    );
    await scheduleSurveys(queueFor(QUEUES.surveys), deps.env.TZ_BUSINESS, sweep);
  };
  await ensureSchedules();
  // Every schedule just made, by queue: what the watch below expects to find in Redis.
  const expected: { queue: string; id: string }[] = [];
  for (const [name, queue] of queues) {
    for (const scheduler of await queue.getJobSchedulers()) {
      expected.push({ queue: name, id: scheduler.key });
    }
  }
  // The connection is up now, so any later 'ready' is a reconnect — and a Redis that restarted
  // empty lost every schedule: put them back.
  producerConnection.on('ready', () => {
    ensureSchedules().catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'could not restore job schedules'),
    );
  });

  // Redis can also lose keys without the connection dropping (a flush, a failover to an empty
  // replica, eviction): on the sweep's period every schedule is looked for, and if any is gone
  // they are all put back, without a restart. The sweeps then redo from PostgreSQL what was lost.
  const missingSchedule = async () => {
    for (const { queue, id } of expected) {
      if (!(await queueFor(queue).getJobScheduler(id))) return true;
    }
    return false;
  };
  const scheduleWatch = setInterval(() => {
    missingSchedule()
      .then((missing) => (missing ? ensureSchedules() : undefined))
      .catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'could not check the job schedules'),
      );
  }, sweep * 1000);
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
