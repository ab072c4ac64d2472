import type { Logger } from '@cgp/api';
import { outbox, type Db } from '@cgp/db';
import { inArray, isNull, asc } from 'drizzle-orm';
import type { JobsOptions, Queue } from 'bullmq';

/** Retry policy per queue for jobs the relay creates. */
const JOB_OPTIONS: Record<string, JobsOptions> = {
  default: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
};

/**
 * Moves one batch of undelivered outbox rows to BullMQ, in one transaction: rows are locked with
 * SKIP LOCKED (several relays never hand out the same row), added with jobId = row id (adding twice
 * is a no-op in BullMQ), then marked delivered. If Redis refuses, the transaction rolls back and the
 * rows wait for the next pass. Returns how many rows were delivered.
 */
export async function relayOutboxOnce(
  db: Db,
  queueFor: (name: string) => Queue,
  batchSize = 200,
): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(outbox)
      .where(isNull(outbox.deliveredAt))
      .orderBy(asc(outbox.createdAt))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    if (!rows.length) return 0;
    const now = Date.now();
    const byQueue = new Map<string, typeof rows>();
    for (const row of rows) byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row]);
    for (const [name, queued] of byQueue) {
      await queueFor(name).addBulk(
        queued.map((row) => ({
          name: row.name,
          data: { ...row.payload, outboxId: row.id },
          opts: {
            ...(JOB_OPTIONS[name] ?? JOB_OPTIONS.default),
            jobId: row.id,
            delay: Math.max(0, row.runAt.getTime() - now),
          },
        })),
      );
    }
    await tx
      .update(outbox)
      .set({ deliveredAt: new Date() })
      .where(
        inArray(
          outbox.id,
          rows.map((r) => r.id),
        ),
      );
    return rows.length;
  });
}

export interface OutboxRelay {
  /** Resolves when the loop has stopped after its current pass. */
  stop: () => Promise<void>;
}

/** Polls the outbox every `pollMs`, draining it in batches; Redis outages only delay delivery. */
export function startOutboxRelay(options: {
  db: Db;
  queueFor: (name: string) => Queue;
  pollMs: number;
  logger: Logger;
}): OutboxRelay {
  let running = true;
  let wake: (() => void) | undefined;
  let failing = false;
  const loop = (async () => {
    while (running) {
      let delivered = 0;
      try {
        delivered = await relayOutboxOnce(options.db, options.queueFor);
        if (failing) options.logger.info('outbox relay recovered');
        failing = false;
      } catch (error) {
        if (!failing)
          options.logger.warn({ err: error }, 'outbox relay cannot deliver; will retry');
        failing = true;
      }
      if (delivered === 0 && running) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, options.pollMs);
        });
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      wake?.();
      await loop;
    },
  };
}
