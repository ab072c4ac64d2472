import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  customType,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './identity';
import { merchants, serviceCategory } from './merchants';
import { SLA_STEPS } from './order-values';
import { communities, serviceRing } from './tenancy';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/** A PostgreSQL `tstzrange`, read and written as its text form (`[start,end)`). */
export const tstzrange = customType<{ data: string; driverData: string }>({
  dataType: () => 'tstzrange',
});

/** The steps of an on-demand order an SLA times: acceptance and arrival. */
export const slaStep = pgEnum('sla_step', SLA_STEPS);

/**
 * A merchant's staff member whom orders are dispatched to (服务人员). Name and phone live on the
 * user, who signs in to the worker view; the worker row says what they do and whether they work.
 */
export const workers = pgTable(
  'workers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    merchantId: uuid('merchant_id')
      .notNull()
      .references(() => merchants.id),
    userId: uuid('user_id')
      .notNull()
      .unique()
      .references(() => users.id),
    categories: serviceCategory('categories').array().notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('workers_merchant_idx').on(t.merchantId)],
);

/**
 * A breach of an on-demand order's SLA: which step, its ring, when it was due and how late it
 * was noticed. One row per order and step, so a timer that fires twice records it once.
 */
export const slaBreaches = pgTable(
  'sla_breaches',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orderId: uuid('order_id').notNull(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    merchantId: uuid('merchant_id')
      .notNull()
      .references(() => merchants.id),
    step: slaStep('step').notNull(),
    ring: serviceRing('ring').notNull(),
    dueAt: ts('due_at').notNull(),
    breachedAt: ts('breached_at').notNull().defaultNow(),
    lateSeconds: integer('late_seconds').notNull(),
    /** Escalated to the community's property_ops (shown on their console until seen). */
    escalatedAt: ts('escalated_at').notNull().defaultNow(),
    acknowledgedAt: ts('acknowledged_at'),
    acknowledgedBy: uuid('acknowledged_by').references(() => users.id),
  },
  (t) => [
    unique('sla_breaches_order_step_uq').on(t.orderId, t.step),
    check('sla_breaches_late_ck', sql`${t.lateSeconds} >= 0`),
    index('sla_breaches_community_idx').on(t.communityId, t.breachedAt),
  ],
);

/**
 * A photo someone uploaded (finished work, review, dispute evidence). The bytes are in the store
 * under `storageKey`; `orderId` is set once the photo is attached to an order, and from then on
 * only the people who may see that order may see it.
 */
export const uploads = pgTable(
  'uploads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    orderId: uuid('order_id'),
    storageKey: text('storage_key').notNull().unique(),
    mime: text('mime').notNull(),
    bytes: integer('bytes').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('uploads_order_idx').on(t.orderId), index('uploads_owner_idx').on(t.ownerId)],
);
