import type { Logger } from '@cgp/api';
import { Worker, type ConnectionOptions, type Processor } from 'bullmq';

/** How long `close()` waits for running jobs and the workers' connections before giving up. */
const CLOSE_GRACE_MS = 10_000;

export interface WorkerDefinition {
  queue: string;
  processor: Processor;
  concurrency?: number;
}

export interface WorkerHost {
  workers: Worker[];
  close(): Promise<void>;
}

/**
 * Runs one BullMQ worker per definition. `close()` lets running jobs finish (graceful shutdown);
 * a job cut short by a killed process is retried from its stalled state by BullMQ.
 */
export async function startWorkerHost(options: {
  connection: ConnectionOptions;
  /** The BullMQ prefix of a queue (hash-tagged per queue on a Redis Cluster). */
  prefix: (queue: string) => string;
  logger: Logger;
  definitions: WorkerDefinition[];
  /** How long a job's lock lasts; a job of a killed worker is taken up again after about this long. */
  lockMs?: number;
  /** How long `close()` waits for the workers; CLOSE_GRACE_MS unless told. */
  closeGraceMs?: number;
}): Promise<WorkerHost> {
  const { logger } = options;
  const workers = options.definitions.map((d) => {
    const worker = new Worker(d.queue, d.processor, {
      connection: options.connection,
      prefix: options.prefix(d.queue),
      concurrency: d.concurrency ?? 1,
      lockDuration: options.lockMs ?? 30_000,
      stalledInterval: options.lockMs ?? 30_000,
      // BullMQ fails a job outright once it has stalled more than this (its worker died mid-job),
      // without running it again: a payout would then sit pending with no job behind it. Every
      // processor here is idempotent, so a job cut short is taken up again, a few times over.
      maxStalledCount: 5,
    });
    worker.on('failed', (job, error) =>
      logger.warn(
        { queue: d.queue, jobId: job?.id, attempts: job?.attemptsMade, err: error },
        'job failed',
      ),
    );
    worker.on('error', (error) => logger.error({ queue: d.queue, err: error }, 'worker error'));
    return worker;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  logger.info({ queues: options.definitions.map((d) => d.queue) }, 'job workers started');
  return {
    workers,
    close: async () => {
      // Let running jobs finish, but not forever. BullMQ waits for its blocking connection to end,
      // and an ioredis client caught between reconnect attempts (Redis just restarted, a busy
      // machine) never emits 'end', so a graceful close can hang for good; a second close(true)
      // only returns the same pending promise. Stop waiting instead: the process is going away,
      // an interrupted job comes back as stalled, and every processor is idempotent.
      const stillClosing = new Set(workers.map((w) => w.name));
      const closed = Promise.all(
        workers.map((w) => w.close().then(() => stillClosing.delete(w.name))),
      );
      const inTime = await Promise.race([
        closed.then(() => true),
        new Promise<boolean>((resolve) =>
          setTimeout(() => resolve(false), options.closeGraceMs ?? CLOSE_GRACE_MS).unref(),
        ),
      ]);
      if (!inTime) {
        logger.warn(
          { queues: [...stillClosing] },
          'job workers did not stop in time; leaving them',
        );
      }
    },
  };
}
