import {
  bigint,
  boolean,
  integer,
  index,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { MERCHANT_STATUSES, SERVICE_CATEGORIES } from './enum-values';
import { communities, propertyCompanies } from './tenancy';

export const serviceCategory = pgEnum('service_category', SERVICE_CATEGORIES);

export const merchantStatus = pgEnum('merchant_status', MERCHANT_STATUSES);

/** A partner merchant. It signs with one property company and serves some of its communities. */
export const merchants = pgTable(
  'merchants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: uuid('company_id')
      .notNull()
      .references(() => propertyCompanies.id),
    name: text('name').notNull(),
    category: serviceCategory('category').notNull(),
    status: merchantStatus('status').notNull().default('pending'),
    contactPhone: text('contact_phone').notNull().default(''),
    /** The merchant's Stripe Connect (Express) account, once created. */
    stripeAccountId: text('stripe_account_id').unique(),
    payoutsEnabled: boolean('payouts_enabled').notNull().default(false),
    detailsSubmitted: boolean('details_submitted').notNull().default(false),
    /**
     * Residents' own ratings, summed and counted as they are given (default ratings excluded), so
     * every service card can show the merchant's score without adding up its reviews.
     */
    ratingSum: bigint('rating_sum', { mode: 'number' }).notNull().default(0),
    ratingCount: integer('rating_count').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('merchants_company_idx').on(t.companyId)],
);

export const merchantCommunities = pgTable(
  'merchant_communities',
  {
    merchantId: uuid('merchant_id')
      .notNull()
      .references(() => merchants.id),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.communityId] }),
    index('merchant_communities_community_idx').on(t.communityId),
  ],
);
