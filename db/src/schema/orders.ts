import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { services, slots } from './catalog';
import { users } from './identity';
import { merchants, serviceCategory } from './merchants';
import { tstzrange, workers } from './delivery';
import { familyMembers } from './family';
import { ORDER_ACTOR_KINDS, ORDER_EVENT_KINDS, ORDER_MODES, ORDER_STATUSES } from './order-values';
import { communities, serviceRing, units } from './tenancy';

export const orderStatus = pgEnum('order_status', ORDER_STATUSES);

export const orderActorKind = pgEnum('order_actor_kind', ORDER_ACTOR_KINDS);

export const orderMode = pgEnum('order_mode', ORDER_MODES);

export const orderEventKind = pgEnum('order_event_kind', ORDER_EVENT_KINDS);

export interface CareRecipient {
  name: string;
  age: number;
  needs: string;
}

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /**
     * The short number people read out and search by (SPEC §7): the business day it was booked
     * and a running number, e.g. 2611290042. Given by the database at insert (`next_order_no()`),
     * so every path that creates an order gets one.
     */
    orderNo: text('order_no')
      .notNull()
      .unique('orders_order_no_uq')
      .default(sql`next_order_no()`),
    residentId: uuid('resident_id')
      .notNull()
      .references(() => users.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    /** Where to serve, as it read when the order was placed (小区 楼栋 房号). */
    addressSnapshot: text('address_snapshot').notNull(),
    merchantId: uuid('merchant_id')
      .notNull()
      .references(() => merchants.id),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    slotId: uuid('slot_id')
      .notNull()
      .references(() => slots.id),
    category: serviceCategory('category').notNull(),
    quantity: integer('quantity').notNull(),
    /** Capacity units the order holds on its slot (meals for meal delivery, else one visit). */
    seats: integer('seats').notNull(),
    /** The price of one unit; none for a menu order, whose lines (`order_items`) price it. */
    unitPriceFen: bigint('unit_price_fen', { mode: 'number' }),
    totalFen: bigint('total_fen', { mode: 'number' }).notNull(),
    /** What has been or is being given back to the resident. */
    refundFen: bigint('refund_fen', { mode: 'number' }).notNull().default(0),
    /** The platform's commission, frozen from the rule in force when the order was paid. */
    platformBps: integer('platform_bps'),
    commissionRuleId: uuid('commission_rule_id'),
    /** The split of what the order finally earns (total − refunds), set when it is earned. */
    merchantShareFen: bigint('merchant_share_fen', { mode: 'number' }),
    platformShareFen: bigint('platform_share_fen', { mode: 'number' }),
    notes: text('notes').notNull().default(''),
    allergies: text('allergies').notNull().default(''),
    careRecipient: jsonb('care_recipient').$type<CareRecipient>(),
    /**
     * Booked by a family member for someone they look after (家人代订): the order is served at
     * that person's unit, belongs to the booker, and the household of that unit sees it too.
     */
    familyMemberId: uuid('family_member_id').references(() => familyMembers.id),
    status: orderStatus('status').notNull().default('pending_payment'),
    mode: orderMode('mode').notNull().default('slot'),
    /**
     * The worker the order is dispatched to, and the time they are held for it. An exclusion
     * constraint (migration 0007) refuses two open orders of one worker whose periods overlap.
     */
    workerId: uuid('worker_id').references(() => workers.id),
    servicePeriod: tstzrange('service_period'),
    /** On-demand orders: the ring of the building, whose SLA they carry (SPEC §12). */
    ring: serviceRing('ring'),
    arriveDueAt: ts('arrive_due_at'),
    arrivedAt: ts('arrived_at'),
    /** The worker's note on the finished work (photos are uploads attached to the order). */
    completionNote: text('completion_note').notNull().default(''),
    idempotencyKey: text('idempotency_key').notNull(),
    // Deadlines the timers enforce; stored so a sweeper can find overdue ones without Redis.
    paymentDueAt: ts('payment_due_at').notNull(),
    acceptDueAt: ts('accept_due_at'),
    autoConfirmAt: ts('auto_confirm_at'),
    /** Confirmed and not yet rated: when the 系统默认好评 is due (cleared once a rating exists). */
    defaultRatingAt: ts('default_rating_at'),
    slaBreachedAt: ts('sla_breached_at'),
    /** The merchant cancelled after accepting; counts against the merchant's score. */
    merchantCancelledAt: ts('merchant_cancelled_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    paidAt: ts('paid_at'),
    acceptedAt: ts('accepted_at'),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
    confirmedAt: ts('confirmed_at'),
    closedAt: ts('closed_at'),
    /** When the shares were earned (confirmation, or a cancellation that kept a fee). */
    earnedAt: ts('earned_at'),
    settledAt: ts('settled_at'),
  },
  (t) => [
    unique('orders_resident_idempotency_uq').on(t.residentId, t.idempotencyKey),
    check('orders_quantity_ck', sql`${t.quantity} >= 1 AND ${t.seats} >= 1`),
    check(
      'orders_money_ck',
      sql`${t.totalFen} > 0 AND (${t.unitPriceFen} IS NULL OR (${t.unitPriceFen} > 0 AND ${t.totalFen} = ${t.unitPriceFen} * ${t.quantity})) AND ${t.refundFen} BETWEEN 0 AND ${t.totalFen}`,
    ),
    index('orders_resident_created_idx').on(t.residentId, t.createdAt),
    index('orders_family_unit_idx')
      .on(t.unitId, t.createdAt)
      .where(sql`${t.familyMemberId} IS NOT NULL`),
    index('orders_merchant_status_idx').on(t.merchantId, t.status),
    // The merchant portal's live queue polls for what changed since it last looked.
    index('orders_merchant_updated_idx').on(t.merchantId, t.updatedAt, t.id),
    // …and so does the resident's order page.
    index('orders_resident_updated_idx').on(t.residentId, t.updatedAt, t.id),
    index('orders_slot_idx').on(t.slotId),
    index('orders_payment_due_idx')
      .on(t.paymentDueAt)
      .where(sql`${t.status} = 'pending_payment'`),
    index('orders_accept_due_idx')
      .on(t.acceptDueAt)
      .where(sql`${t.status} = 'paid'`),
    index('orders_settlement_idx')
      .on(t.merchantId)
      .where(sql`${t.earnedAt} IS NOT NULL AND ${t.settledAt} IS NULL`),
    index('orders_auto_confirm_idx')
      .on(t.autoConfirmAt)
      .where(sql`${t.status} = 'completed'`),
    index('orders_worker_idx').on(t.workerId, t.status),
    index('orders_arrive_due_idx')
      .on(t.arriveDueAt)
      .where(sql`${t.arrivedAt} IS NULL AND ${t.status} IN ('paid', 'accepted')`),
    index('orders_default_rating_idx')
      .on(t.defaultRatingAt)
      .where(sql`${t.defaultRatingAt} IS NOT NULL`),
    // Quality KPIs and callbacks look at what was served in a period.
    index('orders_completed_idx').on(t.completedAt),
  ],
);

/** One row per state change: who moved the order from what to what, why, and when. */
export const orderEvents = pgTable(
  'order_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    actorKind: orderActorKind('actor_kind').notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    kind: orderEventKind('kind').notNull().default('status'),
    /** For assignments, the worker; for breaches, the step and lateness. */
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    fromStatus: orderStatus('from_status'),
    toStatus: orderStatus('to_status').notNull(),
    reason: text('reason').notNull().default(''),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('order_events_order_idx').on(t.orderId, t.id)],
);

export const orderReviews = pgTable(
  'order_reviews',
  {
    orderId: uuid('order_id')
      .primaryKey()
      .references(() => orders.id),
    merchantId: uuid('merchant_id')
      .notNull()
      .references(() => merchants.id),
    residentId: uuid('resident_id')
      .notNull()
      .references(() => users.id),
    rating: smallint('rating').notNull(),
    comment: text('comment').notNull().default(''),
    /** Up to six photos the resident uploaded (`POST /uploads` ids). */
    photoIds: uuid('photo_ids')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    /** 系统默认好评: given by the platform 7 days after confirmation; not in the score. */
    automatic: boolean('automatic').notNull().default(false),
    /** The merchant's one reply. */
    reply: text('reply'),
    repliedAt: ts('replied_at'),
    repliedBy: uuid('replied_by').references(() => users.id),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('order_reviews_rating_ck', sql`${t.rating} BETWEEN 1 AND 5`),
    check('order_reviews_photos_ck', sql`cardinality(${t.photoIds}) <= 6`),
    check('order_reviews_reply_ck', sql`(${t.reply} IS NULL) = (${t.repliedAt} IS NULL)`),
    index('order_reviews_merchant_idx').on(t.merchantId, t.createdAt),
  ],
);

export const orderDisputes = pgTable('order_disputes', {
  orderId: uuid('order_id')
    .primaryKey()
    .references(() => orders.id),
  reason: text('reason').notNull(),
  openedAt: ts('opened_at').notNull().defaultNow(),
  resolvedAt: ts('resolved_at'),
  resolvedBy: uuid('resolved_by').references(() => users.id),
  resolution: text('resolution'),
  refundFen: bigint('refund_fen', { mode: 'number' }),
  /** The merchant's side of the story, in its own words, while the dispute is open. */
  merchantStatement: text('merchant_statement'),
  merchantStatementAt: ts('merchant_statement_at'),
});
