import { orders, type Db } from '@cgp/db';
import { and, desc, eq, gte, inArray, lt, or } from 'drizzle-orm';
import type { z } from 'zod';
import { NotFound } from '../../errors';
import { decodeCursor, page } from '../../lib/cursor';
import type { MerchantActor } from '../identity/actor';
import { act, orderTimeline } from './order-actions';
import type { OrderAction } from './order-states';
import { orderView, selectOrders } from './order-view';
import type { merchantListOrdersInput } from './orders.schema';
import { slots } from '@cgp/db';
import type { OrderTimers } from './transition';

export async function listMerchantOrders(
  db: Db,
  actor: MerchantActor,
  input: z.infer<typeof merchantListOrdersInput>,
) {
  const cursor = decodeCursor(input.cursor);
  const rows = await selectOrders(db)
    .where(
      and(
        eq(orders.merchantId, actor.merchantId),
        input.status?.length ? inArray(orders.status, input.status) : undefined,
        input.from ? gte(slots.startsAt, new Date(input.from)) : undefined,
        input.to ? lt(slots.startsAt, new Date(input.to)) : undefined,
        cursor
          ? or(
              lt(orders.createdAt, new Date(cursor.key)),
              and(eq(orders.createdAt, new Date(cursor.key)), lt(orders.id, cursor.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(input.limit + 1);
  return page(
    rows,
    input.limit,
    (r) => ({ key: r.order.createdAt.toISOString(), id: r.order.id }),
    orderView,
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
