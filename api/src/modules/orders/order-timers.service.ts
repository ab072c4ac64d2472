import { orders, slaBreaches, type Db } from '@cgp/db';
import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { recordSlaBreach } from '../delivery/sla-breaches';
import { DomainError } from '../../errors';
import { TIMER_JOBS } from '../outbox/queues';
import type { OrderAction } from './order-states';
import { transitionOrder, type OrderTimers } from './transition';

const ACTION_OF_TIMER: Record<string, OrderAction> = {
  [TIMER_JOBS.paymentExpiry]: 'expire',
  [TIMER_JOBS.acceptanceSla]: 'slaReject',
  [TIMER_JOBS.autoConfirm]: 'autoConfirm',
};

export type TimerOutcome = 'applied' | 'skipped';

/**
 * Fires one order timer. It re-reads the order: if the order has moved on (paid, accepted,
 * confirmed…) or its deadline has not come, nothing happens. Safe to run any number of times.
 */
export async function fireOrderTimer(
  db: Db,
  timer: string,
  orderId: string,
  timers: OrderTimers,
): Promise<TimerOutcome> {
  if (timer === TIMER_JOBS.arrivalSla) {
    return (await recordSlaBreach(db, orderId, 'arrive')) ? 'applied' : 'skipped';
  }
  const action = ACTION_OF_TIMER[timer];
  if (!action) throw new Error(`Unknown order timer "${timer}"`);
  try {
    await db.transaction((tx) =>
      transitionOrder(tx, {
        orderId,
        action,
        actor: { kind: 'system' },
        timers,
        reason: `timer: ${timer}`,
      }),
    );
    return 'applied';
  } catch (error) {
    if (error instanceof DomainError && (error.code === 'CONFLICT' || error.code === 'NOT_FOUND')) {
      return 'skipped';
    }
    throw error;
  }
}

/**
 * Finds orders whose deadline has passed in PostgreSQL and fires their timers, so no timer depends
 * on Redis having kept a delayed job. Returns how many orders moved.
 */
export async function sweepOverdueTimers(
  db: Db,
  timers: OrderTimers,
  limit = 500,
): Promise<number> {
  const overdue = (
    status: 'pending_payment' | 'paid' | 'completed',
    column: typeof orders.paymentDueAt | typeof orders.acceptDueAt,
  ) =>
    db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.status, status), lte(column, sql`now()`)))
      .orderBy(column)
      .limit(limit);
  // On-demand orders nobody has arrived at by the deadline, and whose breach is not recorded yet.
  const unarrived = await db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        inArray(orders.status, ['paid', 'accepted']),
        isNull(orders.arrivedAt),
        lte(orders.arriveDueAt, sql`now()`),
        sql`NOT EXISTS (SELECT 1 FROM ${slaBreaches} b
                         WHERE b.order_id = ${orders.id} AND b.step = 'arrive')`,
      ),
    )
    .orderBy(orders.arriveDueAt)
    .limit(limit);
  const batches: [string, { id: string }[]][] = [
    [TIMER_JOBS.paymentExpiry, await overdue('pending_payment', orders.paymentDueAt)],
    [TIMER_JOBS.acceptanceSla, await overdue('paid', orders.acceptDueAt)],
    [TIMER_JOBS.autoConfirm, await overdue('completed', orders.autoConfirmAt)],
    [TIMER_JOBS.arrivalSla, unarrived],
  ];
  let moved = 0;
  for (const [timer, rows] of batches) {
    for (const { id } of rows) {
      if ((await fireOrderTimer(db, timer, id, timers)) === 'applied') moved++;
    }
  }
  return moved;
}
