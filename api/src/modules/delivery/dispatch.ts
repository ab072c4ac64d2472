import { orderEvents, orders, slots, users, workers, type Tx } from '@cgp/db';
import { eq, sql } from 'drizzle-orm';
import { Conflict, NotFound } from '../../errors';
import { holdingStatusList } from './workers.service';

/** The exclusion constraint that keeps one worker from holding two overlapping orders. */
const OVERLAP_CONSTRAINT = 'orders_worker_no_overlap_ex';

function isOverlap(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const pg = e as { code?: unknown; constraint?: unknown };
    if (pg.code === '23P01' && pg.constraint === OVERLAP_CONSTRAINT) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** An order can go to another worker while it is paid or accepted and its worker has not arrived. */
export function isReassignable(order: {
  status: (typeof orders.$inferSelect)['status'];
  arrivedAt: Date | null;
}): boolean {
  return ['paid', 'accepted'].includes(order.status) && !order.arrivedAt;
}

export type Assigner =
  { kind: 'system' } | { kind: 'merchant'; userId: string; merchantId: string };

interface Assigned {
  workerId: string | null;
  previousWorkerId: string | null;
  status: (typeof orders.$inferSelect)['status'];
}

/**
 * Gives the order a worker of its merchant in one guarded UPDATE: `workerId` if given, else the
 * active worker of the order's kind with the fewest open orders who is free for the order's period.
 * Worker rows are locked while choosing (skipped when dispatching automatically, so parallel
 * dispatches take different workers); the exclusion constraint is the last word on overlaps.
 */
async function assignOnce(tx: Tx, orderId: string, merchantId: string, workerId: string | null) {
  const lock = workerId ? sql`FOR UPDATE OF w` : sql`FOR UPDATE OF w SKIP LOCKED`;
  const result = await tx.execute<{
    worker_id: string | null;
    previous: string | null;
    status: Assigned['status'];
    found: boolean;
  }>(sql`
    WITH target AS (
      SELECT o.id, o.merchant_id, o.category, o.worker_id AS previous, o.status,
             coalesce(o.service_period, tstzrange(s.starts_at, s.ends_at)) AS period
        FROM ${orders} o JOIN ${slots} s ON s.id = o.slot_id
       WHERE o.id = ${orderId} AND o.merchant_id = ${merchantId}
    ), pick AS (
      SELECT w.id FROM ${workers} w, target t
       WHERE w.merchant_id = t.merchant_id AND w.active AND t.category = ANY (w.categories)
         AND (${workerId}::uuid IS NULL OR w.id = ${workerId}::uuid)
         AND w.id IS DISTINCT FROM t.previous
         AND NOT EXISTS (SELECT 1 FROM ${orders} x
                          WHERE x.worker_id = w.id AND x.id <> t.id
                            AND x.status IN ${holdingStatusList} AND x.service_period && t.period)
       ORDER BY (SELECT count(*) FROM ${orders} x
                  WHERE x.worker_id = w.id AND x.status IN ${holdingStatusList}), w.created_at, w.id
       LIMIT 1
       ${lock}
    ), moved AS (
      UPDATE ${orders} SET worker_id = pick.id, service_period = target.period, updated_at = now()
        FROM pick, target
       WHERE orders.id = target.id AND orders.status IN ('pending_payment', 'paid', 'accepted')
         AND orders.arrived_at IS NULL
      RETURNING orders.worker_id
    )
    SELECT (SELECT worker_id FROM moved) AS worker_id, target.previous, target.status, true AS found
      FROM target`);
  const row = result.rows[0];
  if (!row) throw new NotFound('Order');
  return { workerId: row.worker_id, previousWorkerId: row.previous, status: row.status };
}

async function recordAssignment(tx: Tx, orderId: string, by: Assigner, assigned: Assigned) {
  const names = await tx
    .select({ id: workers.id, name: users.displayName })
    .from(workers)
    .innerJoin(users, eq(users.id, workers.userId))
    .where(
      sql`${workers.id} IN (${assigned.workerId ?? sql`NULL`}, ${assigned.previousWorkerId ?? sql`NULL`})`,
    );
  const nameOf = (id: string | null) => names.find((n) => n.id === id)?.name ?? null;
  await tx.insert(orderEvents).values({
    orderId,
    kind: 'assign',
    actorKind: by.kind,
    actorId: by.kind === 'system' ? null : by.userId,
    fromStatus: assigned.status,
    toStatus: assigned.status,
    reason: assigned.workerId
      ? assigned.previousWorkerId
        ? 'reassigned'
        : 'dispatched'
      : 'no worker available',
    detail: {
      workerId: assigned.workerId,
      workerName: nameOf(assigned.workerId),
      previousWorkerId: assigned.previousWorkerId,
      previousWorkerName: nameOf(assigned.previousWorkerId),
      auto: by.kind === 'system',
    },
  });
}

/**
 * On acceptance: the order goes to the available worker with the fewest open orders. If a
 * parallel dispatch took the chosen worker first, the next one is tried; with nobody free the
 * order stays with the merchant to assign, and the event says so.
 */
export async function dispatchOrder(tx: Tx, orderId: string, merchantId: string) {
  const [order] = await tx
    .select({
      workerId: orders.workerId,
      // A merchant that keeps no workers for this kind of order serves it without dispatch.
      dispatches: sql<boolean>`EXISTS (SELECT 1 FROM ${workers} w
        WHERE w.merchant_id = ${orders.merchantId} AND w.active AND ${orders.category} = ANY (w.categories))`,
    })
    .from(orders)
    .where(eq(orders.id, orderId));
  // An on-demand order got its worker when it was booked.
  if (!order || order.workerId || !order.dispatches) return null;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const assigned = await tx.transaction((sp) => assignOnce(sp, orderId, merchantId, null));
      await recordAssignment(tx, orderId, { kind: 'system' }, assigned);
      return assigned;
    } catch (error) {
      if (!isOverlap(error)) throw error;
    }
  }
  const assigned = { workerId: null, previousWorkerId: null, status: 'accepted' as const };
  await recordAssignment(tx, orderId, { kind: 'system' }, assigned);
  return assigned;
}

/** `merchant.orders.assign`: the owner gives the order to a named worker (before arrival). */
export async function assignOrder(
  tx: Tx,
  by: Extract<Assigner, { kind: 'merchant' }>,
  orderId: string,
  workerId: string,
) {
  // The order row first, then the worker's: the same order as acceptance takes them.
  const [order] = await tx
    .select({ status: orders.status, workerId: orders.workerId, arrivedAt: orders.arrivedAt })
    .from(orders)
    .where(sql`${orders.id} = ${orderId} AND ${orders.merchantId} = ${by.merchantId}`)
    .for('update');
  if (!order) throw new NotFound('Order');
  if (order.workerId === workerId) {
    throw new Conflict('already_assigned', 'The order is already with this worker');
  }
  if (!isReassignable(order)) {
    throw new Conflict(
      'not_assignable',
      'Only an order that is paid or accepted, and not yet begun, can be given to a worker',
    );
  }
  let assigned: Assigned;
  try {
    assigned = await tx.transaction((sp) => assignOnce(sp, orderId, by.merchantId, workerId));
  } catch (error) {
    if (isOverlap(error)) throw workerBusy();
    throw error;
  }
  if (!assigned.workerId) {
    const [worker] = await tx
      .select({ active: workers.active })
      .from(workers)
      .where(sql`${workers.id} = ${workerId} AND ${workers.merchantId} = ${by.merchantId}`);
    if (!worker) throw new NotFound('Worker');
    if (!worker.active) throw new Conflict('worker_inactive', 'This worker is not taking orders');
    throw workerBusy();
  }
  await recordAssignment(tx, orderId, by, assigned);
  return assigned;
}

const workerBusy = () =>
  new Conflict(
    'worker_busy',
    'This worker has another order at that time or does not do this kind of work',
  );
