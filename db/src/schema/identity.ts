import { sql } from 'drizzle-orm';
import { check, index, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { MERCHANT_STAFF_ROLES, USER_ROLES } from './enum-values';
import { merchants } from './merchants';
import { propertyCompanies, units } from './tenancy';

export const userRole = pgEnum('user_role', USER_ROLES);

export const merchantStaffRole = pgEnum('merchant_staff_role', MERCHANT_STAFF_ROLES);

/**
 * Every person who signs in. What they belong to depends on the role: a resident to a unit,
 * merchant staff to one merchant, property roles to a company. CHECKs keep that true.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    phone: text('phone').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    role: userRole('role').notNull(),
    displayName: text('display_name').notNull(),
    unitId: uuid('unit_id').references(() => units.id),
    merchantId: uuid('merchant_id').references(() => merchants.id),
    merchantRole: merchantStaffRole('merchant_role'),
    companyId: uuid('company_id').references(() => propertyCompanies.id),
    disabledAt: timestamp('disabled_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'users_role_membership_ck',
      sql`(${t.role} = 'resident' AND ${t.unitId} IS NOT NULL AND ${t.merchantId} IS NULL AND ${t.companyId} IS NULL)
       OR (${t.role} = 'merchant_staff' AND ${t.merchantId} IS NOT NULL AND ${t.merchantRole} IS NOT NULL AND ${t.unitId} IS NULL AND ${t.companyId} IS NULL)
       OR (${t.role} IN ('property_auditor', 'property_ops') AND ${t.companyId} IS NOT NULL AND ${t.unitId} IS NULL AND ${t.merchantId} IS NULL)
       OR (${t.role}::text = 'platform_admin' AND ${t.companyId} IS NULL AND ${t.unitId} IS NULL AND ${t.merchantId} IS NULL)`,
    ),
    index('users_merchant_idx').on(t.merchantId),
  ],
);

/**
 * Server-side sessions. Only the SHA-256 of the opaque token is stored, so a copy of this
 * table cannot be replayed as a login.
 */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, precision: 3 }),
    userAgent: text('user_agent').notNull().default(''),
    ip: text('ip').notNull().default(''),
    /** Touched as the session is used (at most once a minute); idle past its limit, it ends. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, precision: 3 })
      .notNull()
      .defaultNow(),
    /** How long this session may sit unused: shorter for staff who handle money and data. */
    idleSeconds: integer('idle_seconds').notNull().default(604_800),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);
