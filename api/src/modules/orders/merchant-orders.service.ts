import { orders, slots, type Db } from '@cgp/db';
import { and, eq, gte, lt } from 'drizzle-orm';
import type { z } from 'zod';
import { NotFound } from '../../errors';
import type { MerchantActor } from '../identity/actor';
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
  return { ...orderView(row), events: await orderTimeline(db, id) };
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
  return act(db, {
    orderId: input.id,
    action: input.action,
    actor: { kind: 'merchant', userId: actor.id, merchantId: actor.merchantId },
    timers,
    reason: input.reason,
  });
}
