import { orderEvents, orders, slaBreaches, type DbOrTx } from '@cgp/db';
import { sql } from 'drizzle-orm';

export type SlaStep = 'accept' | 'arrive';

/**
 * Records that an on-demand order missed a step's deadline: the step, its ring, when it was due
 * and how many seconds late it is now, plus an `sla_breach` order event. The breach is escalated
 * to the community's property_ops by being recorded: their console's 超时提醒 (console.breachAlerts)
 * says which order, which step and how late until they mark it read.
 * Recorded once: the unique (order, step) makes a second timer, a sweeper or a redelivered job a
 * no-op. Nothing happens unless the deadline has passed and, for arrival, nobody has arrived.
 * Returns whether this call recorded it.
 */
export async function recordSlaBreach(tx: DbOrTx, orderId: string, step: SlaStep) {
  const due = step === 'accept' ? sql`o.accept_due_at` : sql`o.arrive_due_at`;
  const stillMissing =
    step === 'accept' ? sql`TRUE` : sql`o.arrived_at IS NULL AND o.status IN ('paid', 'accepted')`;
  const { rows } = await tx.execute<{ id: number }>(sql`
    WITH late AS (
      SELECT o.id, o.community_id, o.merchant_id, o.ring, o.status, ${due} AS due_at
        FROM ${orders} o
       WHERE o.id = ${orderId} AND o.mode = 'on_demand' AND o.ring IS NOT NULL
         AND ${due} <= now() AND ${stillMissing}
    ), breach AS (
      INSERT INTO ${slaBreaches} (order_id, community_id, merchant_id, step, ring, due_at, late_seconds)
      SELECT id, community_id, merchant_id, ${step}::sla_step, ring, due_at,
             floor(extract(epoch FROM now() - due_at))::int
        FROM late
      ON CONFLICT (order_id, step) DO NOTHING
      RETURNING order_id, step, ring, due_at, late_seconds
    )
    INSERT INTO ${orderEvents} (order_id, actor_kind, kind, from_status, to_status, reason, detail)
    SELECT breach.order_id, 'system', 'sla_breach', late.status, late.status, 'sla breach: ' || breach.step,
           jsonb_build_object('step', breach.step, 'ring', breach.ring, 'dueAt', breach.due_at,
                              'lateSeconds', breach.late_seconds)
      FROM breach JOIN late ON late.id = breach.order_id
    RETURNING id`);
  return rows.length > 0;
}

/**
 * When the worker finally arrives after an arrival breach, the breach keeps how late the arrival
 * really was, so the KPIs count the lateness residents lived through.
 */
export async function settleArrivalLateness(tx: DbOrTx, orderId: string) {
  await tx.execute(sql`
    UPDATE ${slaBreaches} SET late_seconds = greatest(late_seconds,
           floor(extract(epoch FROM now() - due_at))::int)
     WHERE order_id = ${orderId} AND step = 'arrive'`);
}
