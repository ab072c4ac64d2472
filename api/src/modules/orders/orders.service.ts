import { merchants, orderDisputes, orderReviews, orders, services, type Db } from '@cgp/db';
import { and, eq, gt, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { Conflict, NotFound } from '../../errors';
import type { ResidentActor } from '../identity/actor';
import { refundsOfOrder } from '../payments/order-refunds';
import { attachPhotos, photoUrl } from '../uploads/uploads.service';
import { cancellationTerms } from './cancellation';
import { orderPhotos } from '../uploads/uploads.service';
import { act, orderTimeline } from './order-actions';
import { orderContacts, orderPaymentMethod } from './order-contact';
import { ORDER_ACTIONS, TAB_STATUSES, type OrderTab } from './order-states';
import { ordersSeenBy } from '../identity/resident-scope';
import { orderView, pageOfOrdersAs, selectOrders, type OrderViewRow } from './order-view';
import type {
  cancelOrderInput,
  disputeOrderInput,
  listOrdersInput,
  reviewOrderInput,
} from './orders.schema';
import type { OrderTimers } from './transition';

const asResident = (actor: ResidentActor) => ({ kind: 'resident' as const, userId: actor.id });

/** Steps whose reason a person wrote for the other side to read: why they cancelled, refused, complained. */
const WRITTEN_FOR_THE_RESIDENT = ['cancelled', 'rejected', 'disputed'] as const;

/**
 * The order's timeline as its resident sees it: the reasons the resident and the merchant gave,
 * never the notes the system or property operations keep for themselves.
 */
async function residentTimeline(db: Db, orderId: string) {
  // Settlement is between the merchant and the platform; for the resident the order was done before.
  // A breach of the service levels is for the property office (a refund it causes is a step of
  // its own).
  const events = (await orderTimeline(db, orderId)).filter(
    (event) => event.to !== 'settled' && event.kind !== 'sla_breach',
  );
  return events.map((event) => ({
    ...event,
    reason:
      (event.actorKind === 'resident' || event.actorKind === 'merchant') &&
      (WRITTEN_FOR_THE_RESIDENT as readonly string[]).includes(event.to)
        ? event.reason
        : '',
  }));
}

export async function listResidentOrders(
  db: Db,
  actor: ResidentActor,
  input: z.infer<typeof listOrdersInput>,
) {
  return pageOfOrdersAs(
    db,
    ordersSeenBy(actor),
    input,
    residentOrderView(actor),
    input.tab ? inTab(actor, input.tab) : undefined,
    input.search ? matching(input.search) : undefined,
  );
}

/** SQL true for an order under the list's tab. */
function inTab(actor: ResidentActor, tab: OrderTab): SQL {
  const statuses = [...TAB_STATUSES[tab]];
  switch (tab) {
    case 'to_review':
      // Only the booker rates; a rating (or the default one) takes it off the tab.
      return and(
        inArray(orders.status, statuses),
        eq(orders.residentId, actor.id),
        isNull(orderReviews.orderId),
      )!;
    case 'after_sales':
      return or(inArray(orders.status, statuses), gt(orders.refundFen, 0))!;
    default:
      return inArray(orders.status, statuses);
  }
}

/** SQL true for an order whose number starts with `text`, or whose service's name contains it. */
function matching(text: string): SQL {
  const literal = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return or(
    ilike(orders.orderNo, `${literal}%`),
    ilike(services.titleZh, `%${literal}%`),
    ilike(services.titleEn, `%${literal}%`),
  )!;
}

/**
 * An order as a resident sees it; `bookedForMe` when a family member booked it for this
 * resident's household (they follow it; only the booker acts on it).
 */
const residentOrderView = (actor: ResidentActor) => (row: OrderViewRow) => ({
  ...orderView(row),
  bookedForMe: row.order.residentId !== actor.id,
});

/** One of the resident's orders with its timeline and, while it can be cancelled, the refund. */
export async function getResidentOrder(db: Db, actor: ResidentActor, id: string) {
  const [row] = await selectOrders(db).where(and(eq(orders.id, id), ordersSeenBy(actor)));
  if (!row) throw new NotFound('Order');
  const booker = row.order.residentId === actor.id;
  const cancellable =
    booker && (ORDER_ACTIONS.cancel.from as readonly string[]).includes(row.order.status);
  const terms = cancellable
    ? cancellationTerms({
        totalFen: row.order.totalFen,
        startsAt: row.startsAt,
        now: new Date(),
        policy: row,
      })
    : null;
  return {
    ...residentOrderView(actor)(row),
    events: await residentTimeline(db, id),
    photos: await orderPhotos(db, id),
    refunds: await refundsOfOrder(db, id),
    paymentMethod: await orderPaymentMethod(db, id),
    contacts: await orderContacts(db, row.order),
    cancelPreview: terms
      ? {
          refundFen: Math.min(terms.refundFen, row.order.totalFen - row.order.refundFen),
          feeFen: terms.feeFen,
          free: terms.free,
          freeUntil: terms.freeUntil.toISOString(),
        }
      : null,
    canPay: booker && row.order.status === 'pending_payment',
    canConfirm: booker && row.order.status === 'completed',
    canDispute:
      booker &&
      row.order.status === 'completed' &&
      !!row.order.autoConfirmAt &&
      row.order.autoConfirmAt > new Date(),
    canReview: booker && ['confirmed', 'settled'].includes(row.order.status) && !row.rating,
  };
}

export function cancelResidentOrder(
  db: Db,
  actor: ResidentActor,
  input: z.infer<typeof cancelOrderInput>,
  timers: OrderTimers,
) {
  return act(db, {
    orderId: input.id,
    action: 'cancel',
    actor: asResident(actor),
    timers,
    reason: input.reason,
  });
}

export function confirmResidentOrder(
  db: Db,
  actor: ResidentActor,
  id: string,
  timers: OrderTimers,
) {
  return act(db, {
    orderId: id,
    action: 'confirm',
    actor: asResident(actor),
    timers,
    reason: 'confirmed by resident',
  });
}

export function disputeResidentOrder(
  db: Db,
  actor: ResidentActor,
  input: z.infer<typeof disputeOrderInput>,
  timers: OrderTimers,
) {
  return act(
    db,
    {
      orderId: input.id,
      action: 'dispute',
      actor: asResident(actor),
      timers,
      reason: input.reason,
    },
    async (tx, { order }) => {
      await tx
        .insert(orderDisputes)
        .values({ orderId: order.id, reason: input.reason })
        .onConflictDoUpdate({
          target: orderDisputes.orderId,
          set: {
            reason: input.reason,
            openedAt: new Date(),
            resolvedAt: null,
            resolution: null,
            merchantStatement: null,
            merchantStatementAt: null,
          },
        });
      await attachPhotos(tx, actor.id, order.id, input.photoIds ?? []);
    },
  );
}

/** Rating 1–5 with an optional comment, once per order, after the resident has confirmed it. */
export async function reviewResidentOrder(
  db: Db,
  actor: ResidentActor,
  input: z.infer<typeof reviewOrderInput>,
) {
  return db.transaction(async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.id, input.id), eq(orders.residentId, actor.id)))
      .for('update');
    if (!order) throw new NotFound('Order');
    if (!['confirmed', 'settled'].includes(order.status)) {
      throw new Conflict('not_reviewable', 'You can rate an order after confirming it is done');
    }
    // The resident's own photos, not yet used anywhere, become this order's (in the order chosen).
    const photoIds = [...new Set(input.photoIds ?? [])];
    await attachPhotos(tx, actor.id, order.id, photoIds);
    const [review] = await tx
      .insert(orderReviews)
      .values({
        orderId: order.id,
        merchantId: order.merchantId,
        residentId: actor.id,
        rating: input.rating,
        comment: input.comment ?? '',
        photoIds,
      })
      .onConflictDoNothing()
      .returning();
    if (!review) throw new Conflict('already_reviewed', 'This order has already been rated');
    // The merchant's running score for service cards (default ratings never reach it).
    await tx
      .update(merchants)
      .set({
        ratingSum: sql`${merchants.ratingSum} + ${review.rating}`,
        ratingCount: sql`${merchants.ratingCount} + 1`,
      })
      .where(eq(merchants.id, order.merchantId));
    // Rated by the resident: no 系统默认好评 is due any more.
    await tx.update(orders).set({ defaultRatingAt: null }).where(eq(orders.id, order.id));
    return {
      orderId: review.orderId,
      rating: review.rating,
      comment: review.comment,
      photos: review.photoIds.map((id) => ({ id, url: photoUrl(id) })),
      createdAt: review.createdAt.toISOString(),
    };
  });
}
