import { orderDisputes, orders, slots, users, type Db } from '@cgp/db';
import { and, eq, gte, ilike, isNull, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { Conflict, NotFound } from '../../errors';
import { assignOrder, dispatchOrder } from '../delivery/dispatch';
import type { MerchantActor } from '../identity/actor';
import { attachPhotos, orderPhotos } from '../uploads/uploads.service';
import { actAs, orderTimeline } from './order-actions';
import type { OrderAction } from './order-states';
import { merchantOrderView, residentCallLink } from './merchant-order-view';
import { pageOfOrdersAs, selectOrders } from './order-view';
import type { disputeStatementInput, merchantListOrdersInput } from './orders.schema';
import type { OrderTimers } from './transition';

export async function listMerchantOrders(
  db: Db,
  actor: MerchantActor,
  input: z.infer<typeof merchantListOrdersInput>,
) {
  const now = new Date();
  return pageOfOrdersAs(
    db,
    eq(orders.merchantId, actor.merchantId),
    input,
    (row) => merchantOrderView(row, now),
    input.from ? gte(slots.startsAt, new Date(input.from)) : undefined,
    input.to ? lt(slots.startsAt, new Date(input.to)) : undefined,
    input.search ? matching(input.search) : undefined,
  );
}

/**
 * SQL true for an order the merchant is looking for: its number (or the number's start), part of
 * the resident's name, or — typed as 4 to 11 digits — the end of the resident's phone number, as a
 * resident reads out "尾号 0002". LIKE wildcards typed in the text match themselves.
 */
function matching(text: string): SQL {
  const literal = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return or(
    ilike(orders.orderNo, `${literal}%`),
    ilike(users.displayName, `%${literal}%`),
    /^\d{4,11}$/.test(text) ? like(users.phone, `%${text}`) : undefined,
  )!;
}

export async function getMerchantOrder(db: Db, actor: MerchantActor, id: string) {
  const [row] = await selectOrders(db).where(
    and(eq(orders.id, id), eq(orders.merchantId, actor.merchantId)),
  );
  if (!row) throw new NotFound('Order');
  const [dispute] = await db
    .select({
      reason: orderDisputes.reason,
      openedAt: orderDisputes.openedAt,
      resolvedAt: orderDisputes.resolvedAt,
      merchantStatement: orderDisputes.merchantStatement,
      merchantStatementAt: orderDisputes.merchantStatementAt,
    })
    .from(orderDisputes)
    .where(eq(orderDisputes.orderId, id));
  return {
    ...merchantOrderView(row),
    /** The resident's complaint and the merchant's own statement, once the order was disputed. */
    dispute: dispute
      ? {
          reason: dispute.reason,
          openedAt: dispute.openedAt.toISOString(),
          resolved: dispute.resolvedAt !== null,
          statement: dispute.merchantStatement,
          statedAt: dispute.merchantStatementAt?.toISOString() ?? null,
        }
      : null,
    /** A call link to the resident while the order is being served (never in lists or feeds). */
    residentCallLink: residentCallLink(row),
    events: await orderTimeline(db, id),
    photos: await orderPhotos(db, id),
  };
}

/** accept / reject / start / complete / cancel by the merchant's staff, on their own orders only. */
export function merchantAct(
  db: Db,
  actor: MerchantActor,
  input: {
    id: string;
    action: Extract<OrderAction, 'accept' | 'reject' | 'start' | 'complete' | 'merchantCancel'>;
    reason?: string;
  },
  timers: OrderTimers,
) {
  return actAs(
    db,
    {
      orderId: input.id,
      action: input.action,
      actor: { kind: 'merchant', userId: actor.id, merchantId: actor.merchantId },
      timers,
      reason: input.reason,
    },
    (row) => merchantOrderView(row),
    // SPEC §12: an accepted order goes to a worker in the same transaction.
    input.action === 'accept'
      ? (tx, moved) => dispatchOrder(tx, moved.order.id, moved.order.merchantId).then(() => {})
      : undefined,
  );
}

/** `merchant.orders.assign`, recorded as an order event; answers the order as it now is. */
export async function assignMerchantOrder(
  db: Db,
  actor: MerchantActor,
  input: { id: string; workerId: string },
) {
  const by = { kind: 'merchant' as const, userId: actor.id, merchantId: actor.merchantId };
  await db.transaction((tx) => assignOrder(tx, by, input.id, input.workerId));
  return getMerchantOrder(db, actor, input.id);
}

/**
 * `merchant.orders.stateDispute`: the merchant gives its side of an open dispute on one of its own
 * orders (it may restate it until ops decide), with photos it uploaded. One transaction; the
 * guard is the UPDATE's own WHERE, so a dispute resolved meanwhile is not written to.
 */
export async function stateMerchantDispute(
  db: Db,
  actor: MerchantActor,
  input: z.infer<typeof disputeStatementInput>,
) {
  return db.transaction(async (tx) => {
    const [stated] = await tx
      .update(orderDisputes)
      .set({ merchantStatement: input.statement, merchantStatementAt: sql`now()` })
      .where(
        and(
          eq(orderDisputes.orderId, input.id),
          isNull(orderDisputes.resolvedAt),
          sql`EXISTS (SELECT 1 FROM ${orders} o WHERE o.id = ${orderDisputes.orderId}
                       AND o.merchant_id = ${actor.merchantId} AND o.status = 'disputed')`,
        ),
      )
      .returning({ at: orderDisputes.merchantStatementAt });
    if (!stated) {
      const [own] = await tx
        .select({ status: orders.status })
        .from(orders)
        .where(and(eq(orders.id, input.id), eq(orders.merchantId, actor.merchantId)));
      if (!own) throw new NotFound('Order');
      throw new Conflict('invalid_transition', 'The order is not in an open dispute', {
        status: own.status,
      });
    }
    await attachPhotos(tx, actor.id, input.id, input.photoIds ?? []);
    return { orderId: input.id, statement: input.statement, statedAt: stated.at!.toISOString() };
  });
}
