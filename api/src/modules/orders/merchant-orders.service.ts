import { orders, slots, type Db } from '@cgp/db';
import { and, eq, gte, lt } from 'drizzle-orm';
import type { z } from 'zod';
import { NotFound } from '../../errors';
import { assignOrder, dispatchOrder } from '../delivery/dispatch';
import type { MerchantActor } from '../identity/actor';
import { orderPhotos } from '../uploads/uploads.service';
import { act, orderTimeline } from './order-actions';
import type { OrderAction } from './order-states';
import { orderView, pageOfOrders, selectOrders } from './order-view';
import type { merchantListOrdersInput } from './orders.schema';
import type { OrderTimers } from './transition';

export async function listMerchantOrders(
  db: Db,
  actor: MerchantActor,
  input: z.infer<typeof merchantListOrdersInput>,
) {
  return pageOfOrders(
    db,
    eq(orders.merchantId, actor.merchantId),
    input,
    input.from ? gte(slots.startsAt, new Date(input.from)) : undefined,
    input.to ? lt(slots.startsAt, new Date(input.to)) : undefined,
  );
}

export async function getMerchantOrder(db: Db, actor: MerchantActor, id: string) {
  const [row] = await selectOrders(db).where(
    and(eq(orders.id, id), eq(orders.merchantId, actor.merchantId)),
  );
  if (!row) throw new NotFound('Order');
  return {
    ...orderView(row),
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
  return act(
    db,
    {
      orderId: input.id,
      action: input.action,
      actor: { kind: 'merchant', userId: actor.id, merchantId: actor.merchantId },
      timers,
      reason: input.reason,
    },
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
