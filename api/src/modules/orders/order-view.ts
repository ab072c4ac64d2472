import {
  merchants,
  orderReviews,
  orders,
  services,
  slots,
  users,
  workers,
  type DbOrTx,
} from '@cgp/db';
import { and, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { maskPhone } from '../delivery/workers.service';
import { NotFound } from '../../errors';
import { afterCursor, decodeCursor, page } from '../../lib/cursor';
import { photoUrl } from '../uploads/uploads.service';
import { orderLinesOf, type OrderLine } from './order-lines';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const workerUsers = alias(users, 'worker_users');

/** The columns every order view reads, joined with what the apps show beside an order. */
export function selectOrders(db: DbOrTx) {
  return db
    .select({
      order: orders,
      titleZh: services.titleZh,
      titleEn: services.titleEn,
      pricingUnit: services.pricingUnit,
      freeCancelMinutes: services.freeCancelMinutes,
      lateCancelFeeBps: services.lateCancelFeeBps,
      merchantName: merchants.name,
      residentName: users.displayName,
      residentPhone: users.phone,
      startsAt: slots.startsAt,
      endsAt: slots.endsAt,
      rating: orderReviews.rating,
      comment: orderReviews.comment,
      reviewedAt: orderReviews.createdAt,
      workerName: workerUsers.displayName,
      workerPhone: workerUsers.phone,
      reviewAutomatic: orderReviews.automatic,
      reviewReply: orderReviews.reply,
      reviewPhotoIds: orderReviews.photoIds,
      lines: orderLinesOf,
    })
    .from(orders)
    .innerJoin(services, eq(services.id, orders.serviceId))
    .innerJoin(merchants, eq(merchants.id, orders.merchantId))
    .innerJoin(slots, eq(slots.id, orders.slotId))
    .innerJoin(users, eq(users.id, orders.residentId))
    .leftJoin(orderReviews, eq(orderReviews.orderId, orders.id))
    .leftJoin(workers, eq(workers.id, orders.workerId))
    .leftJoin(workerUsers, eq(workerUsers.id, workers.userId))
    .$dynamic();
}

export type OrderViewRow = Awaited<ReturnType<ReturnType<typeof selectOrders>['where']>>[number];

/** An order as the API returns it: plain JSON, ISO timestamps, integer fen. */
export function orderView(
  row: Omit<OrderViewRow, 'workerName' | 'workerPhone' | 'lines' | 'residentPhone'> & {
    workerName?: string | null;
    workerPhone?: string | null;
    lines?: OrderLine[] | null;
  },
) {
  const o = row.order;
  return {
    id: o.id,
    orderNo: o.orderNo,
    status: o.status,
    serviceId: o.serviceId,
    slotId: o.slotId,
    merchantId: o.merchantId,
    category: o.category,
    quantity: o.quantity,
    /** The price of one unit; null for a menu order, priced by its `lines`. */
    unitPriceFen: o.unitPriceFen,
    totalFen: o.totalFen,
    /** A menu order's dishes (name and price as sold, portions, line total); empty otherwise. */
    lines: row.lines ?? [],
    refundFen: o.refundFen,
    address: o.addressSnapshot,
    notes: o.notes,
    allergies: o.allergies,
    careRecipient: o.careRecipient,
    /** 家人代订: booked by a family member for someone living at the order's address. */
    forFamily: o.familyMemberId !== null,
    service: { titleZh: row.titleZh, titleEn: row.titleEn, pricingUnit: row.pricingUnit },
    merchant: { id: o.merchantId, name: row.merchantName },
    residentName: row.residentName,
    slot: { startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString() },
    review: row.rating
      ? {
          rating: row.rating,
          comment: row.comment ?? '',
          createdAt: iso(row.reviewedAt),
          /** 系统默认好评: given by the platform, not by the resident. */
          automatic: row.reviewAutomatic ?? false,
          reply: row.reviewReply ?? null,
          photos: (row.reviewPhotoIds ?? []).map((id) => ({ id, url: photoUrl(id) })),
        }
      : null,
    paymentDueAt: iso(o.paymentDueAt),
    acceptDueAt: iso(o.acceptDueAt),
    autoConfirmAt: iso(o.autoConfirmAt),
    slaBreachedAt: iso(o.slaBreachedAt),
    mode: o.mode,
    ring: o.ring,
    /** Who serves the order; the phone is masked (the call goes through the platform's relay). */
    worker:
      o.workerId && row.workerName
        ? { id: o.workerId, name: row.workerName, phoneMasked: maskPhone(row.workerPhone ?? '') }
        : null,
    arriveDueAt: iso(o.arriveDueAt),
    arrivedAt: iso(o.arrivedAt),
    completionNote: o.completionNote,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    paidAt: iso(o.paidAt),
    acceptedAt: iso(o.acceptedAt),
    startedAt: iso(o.startedAt),
    completedAt: iso(o.completedAt),
    confirmedAt: iso(o.confirmedAt),
    closedAt: iso(o.closedAt),
  };
}

export type OrderView = ReturnType<typeof orderView>;

/** One order's view by id, whoever may see it (the caller has checked that). */
export async function orderViewById(db: DbOrTx, id: string): Promise<OrderView>;
export async function orderViewById<T>(
  db: DbOrTx,
  id: string,
  view: (row: OrderViewRow) => T,
): Promise<T>;
export async function orderViewById(
  db: DbOrTx,
  id: string,
  view: (row: OrderViewRow) => unknown = orderView,
) {
  const [row] = await selectOrders(db).where(eq(orders.id, id));
  if (!row) throw new NotFound('Order');
  return view(row);
}
export type OrderFilter = SQL | undefined;

/**
 * One page of orders, newest first, within `scope` (the caller's orders) and the listing's own
 * filters, optionally narrowed to some statuses.
 */
export function pageOfOrders(
  db: DbOrTx,
  scope: SQL,
  input: OrderPageInput,
  ...filters: (SQL | undefined)[]
) {
  return pageOfOrdersAs(db, scope, input, orderView, ...filters);
}

type OrderPageInput = {
  status?: (typeof orders.$inferSelect)['status'][];
  cursor?: string;
  limit: number;
};

/** `pageOfOrders` with each row shown by `view` (what one kind of reader sees of an order). */
export async function pageOfOrdersAs<T>(
  db: DbOrTx,
  scope: SQL,
  input: OrderPageInput,
  view: (row: OrderViewRow) => T,
  ...filters: (SQL | undefined)[]
) {
  const cursor = decodeCursor(input.cursor);
  const rows = await selectOrders(db)
    .where(
      and(
        scope,
        input.status?.length ? inArray(orders.status, input.status) : undefined,
        ...filters,
        afterCursor(cursor, orders.createdAt, orders.id, 'desc'),
      ),
    )
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(input.limit + 1);
  return page(
    rows,
    input.limit,
    (r) => ({ key: r.order.createdAt.toISOString(), id: r.order.id }),
    view,
  );
}
