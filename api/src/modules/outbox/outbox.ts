import { outbox, type DbOrTx } from '@cgp/db';

export interface OutboxJob {
  queue: string;
  name: string;
  payload: Record<string, unknown>;
  /** Run no earlier than this; omitted means as soon as possible. */
  runAt?: Date;
}

/** Records work for the job queues inside the caller's transaction (the transactional outbox). */
export async function enqueue(tx: DbOrTx, job: OutboxJob): Promise<string> {
  const [row] = await tx
    .insert(outbox)
    .values({
      queue: job.queue,
      name: job.name,
      payload: job.payload,
      runAt: job.runAt ?? new Date(),
    })
    .returning({ id: outbox.id });
  return row!.id;
}
