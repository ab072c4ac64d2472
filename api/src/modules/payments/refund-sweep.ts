import type { Db } from '@cgp/db';
import { sql } from 'drizzle-orm';
import { QUEUES } from '../outbox/queues';
import { PAYMENT_JOBS } from './payment-jobs';

/**
 * The refunds' sweeper: refunds still `pending` `graceSeconds` after they were due get a new
 * refund job through the outbox, and their due time moves to now, in one statement. It needs
 * nothing from Redis, so a job that Redis lost after the relay delivered it, or that BullMQ gave
 * up as stalled, is redone from PostgreSQL; sending is idempotent (the worker looks the refund up
 * at the processor first), so a job that was merely slow costs nothing. Returns the refunds sent
 * again.
 */
export async function sweepDueRefunds(
  db: Db,
  graceSeconds: number,
  limit = 500,
): Promise<string[]> {
  const { rows } = await db.execute<{ refund_id: string }>(sql`
    WITH due AS (
      UPDATE refunds SET due_at = now()
       WHERE id IN (SELECT id FROM refunds
                     WHERE status = 'pending' AND due_at <= now() - make_interval(secs => ${graceSeconds})
                     ORDER BY due_at LIMIT ${limit}
                       FOR UPDATE SKIP LOCKED)
         AND status = 'pending'
      RETURNING id, order_id, amount_fen
    )
    INSERT INTO outbox (queue, name, payload)
    SELECT ${QUEUES.payments}, ${PAYMENT_JOBS.refund},
           jsonb_build_object('refundId', id, 'orderId', order_id, 'amountFen', amount_fen)
      FROM due
    RETURNING payload->>'refundId' AS refund_id`);
  return rows.map((r) => r.refund_id);
}
