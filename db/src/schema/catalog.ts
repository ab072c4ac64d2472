import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { uploads } from './delivery';
import { merchants, serviceCategory } from './merchants';
import { communities } from './tenancy';
import { PRICING_UNITS } from './enum-values';

export const pricingUnit = pgEnum('pricing_unit', PRICING_UNITS);

/** Something a merchant sells. Prices are integer fen. */
export const services = pgTable(
  'services',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    merchantId: uuid('merchant_id')
      .notNull()
      .references(() => merchants.id),
    category: serviceCategory('category').notNull(),
    titleZh: text('title_zh').notNull(),
    titleEn: text('title_en').notNull(),
    descriptionZh: text('description_zh').notNull().default(''),
    descriptionEn: text('description_en').notNull().default(''),
    priceFen: bigint('price_fen', { mode: 'number' }).notNull(),
    pricingUnit: pricingUnit('pricing_unit').notNull(),
    minQuantity: integer('min_quantity').notNull().default(1),
    maxQuantity: integer('max_quantity').notNull().default(1),
    durationMinutes: integer('duration_minutes').notNull(),
    /** Residents cancel free of charge until this many minutes before the slot starts. */
    freeCancelMinutes: integer('free_cancel_minutes').notNull().default(120),
    /** After that, this share of the total (basis points) is kept as a late fee. */
    lateCancelFeeBps: integer('late_cancel_fee_bps').notNull().default(2000),
    /** Bookings close this many minutes before a slot starts (a meal order's cut-off). */
    bookingCutoffMinutes: integer('booking_cutoff_minutes').notNull().default(60),
    active: boolean('active').notNull().default(true),
    /** Offered 立即上门 as well as by slot: booked now, served by whichever worker is free. */
    onDemand: boolean('on_demand').notNull().default(false),
    /** The photo residents see on the service's card and page; an upload by the merchant's staff. */
    photoId: uuid('photo_id').references(() => uploads.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    check('services_price_ck', sql`${t.priceFen} > 0`),
    check(
      'services_quantity_ck',
      sql`${t.minQuantity} >= 1 AND ${t.maxQuantity} >= ${t.minQuantity}`,
    ),
    check('services_duration_ck', sql`${t.durationMinutes} > 0`),
    check(
      'services_cancel_policy_ck',
      sql`${t.freeCancelMinutes} >= 0 AND ${t.lateCancelFeeBps} BETWEEN 0 AND 10000 AND ${t.bookingCutoffMinutes} >= 0`,
    ),
    index('services_merchant_idx').on(t.merchantId),
  ],
);

/** The communities a service is offered in (a subset of those its merchant serves). */
export const serviceCommunities = pgTable(
  'service_communities',
  {
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
  },
  (t) => [
    primaryKey({ columns: [t.serviceId, t.communityId] }),
    index('service_communities_community_idx').on(t.communityId),
  ],
);

/** A bookable window. `booked` can never exceed `capacity`: the database refuses it. */
export const slots = pgTable(
  'slots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    startsAt: timestamp('starts_at', { withTimezone: true, precision: 3 }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true, precision: 3 }).notNull(),
    capacity: integer('capacity').notNull(),
    booked: integer('booked').notNull().default(0),
    closed: boolean('closed').notNull().default(false),
    /** The time an on-demand order holds (立即上门), made with that order; not offered to anyone. */
    onDemand: boolean('on_demand').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    check('slots_booked_ck', sql`${t.booked} >= 0 AND ${t.booked} <= ${t.capacity}`),
    check('slots_time_ck', sql`${t.endsAt} > ${t.startsAt}`),
    index('slots_service_starts_idx').on(t.serviceId, t.startsAt),
  ],
);
