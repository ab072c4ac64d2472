import { orderEvents, type Db, type Tx } from '@cgp/db';
import { asc, eq } from 'drizzle-orm';
import type { OrderAction } from './order-states';
import { orderView, orderViewById, type OrderViewRow } from './order-view';
import {
  transitionOrder,
  type OrderActor,
  type OrderTimers,
  type TransitionResult,
} from './transition';

type ActInput = {
  orderId: string;
  action: OrderAction;
  actor: OrderActor;
  timers: OrderTimers;
  reason?: string;
  refundFen?: number;
};
type Also = (tx: Tx, result: TransitionResult) => Promise<void>;

/**
 * Runs one action in its own transaction; `also` adds rows that belong to the same change (a
 * dispute record, say). Returns the order as the actor now sees it and the refund it set off.
 */
export function act(db: Db, input: ActInput, also?: Also) {
  return actAs(db, input, orderView, also);
}

/** `act`, answering the order as `view` shows it (what one kind of reader sees of an order). */
export async function actAs<T>(
  db: Db,
  input: ActInput,
  view: (row: OrderViewRow) => T,
  also?: Also,
) {
  const result = await db.transaction(async (tx) => {
    const moved = await transitionOrder(tx, input);
    await also?.(tx, moved);
    return moved;
  });
  return { order: await orderViewById(db, input.orderId, view), refundFen: result.refundFen };
}

/** The status timeline of an order, oldest first. */
export async function orderTimeline(db: Db, orderId: string) {
  const rows = await db
    .select()
    .from(orderEvents)
    .where(eq(orderEvents.orderId, orderId))
    .orderBy(asc(orderEvents.id));
  return rows.map((e) => ({
    id: e.id,
    actorKind: e.actorKind,
    /** `status` for a state change; `assign`, `arrive`, `sla_breach` for what happens within one. */
    kind: e.kind,
    detail: e.detail,
    from: e.fromStatus,
    to: e.toStatus,
    reason: e.reason,
    at: e.at.toISOString(),
  }));
}
