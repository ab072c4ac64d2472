import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './identity';
import { merchants } from './merchants';
import { orders } from './orders';
import { communities, propertyCompanies, units } from './tenancy';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * One monthly callback run (回访) of a company: the households served in `month` (its first day,
 * business time) sampled with `seed`, so the same sample can be drawn again to check it.
 */
export const callbackRuns = pgTable(
  'callback_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: uuid('company_id')
      .notNull()
      .references(() => propertyCompanies.id),
    /** The month served, as its first day. */
    month: date('month', { mode: 'string' }).notNull(),
    /** When the run was due: the 1st of the next month, 09:00 business time. */
    dueAt: ts('due_at').notNull(),
    seed: bigint('seed', { mode: 'number' }).notNull(),
    households: integer('households').notNull(),
    sampled: integer('sampled').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [unique('callback_runs_company_month_uq').on(t.companyId, t.month)],
);

export const callbackStatus = pgEnum('callback_status', ['pending', 'done']);

/** A household to call back about one order it was served, and what the call found. */
export const callbackTasks = pgTable(
  'callback_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    runId: uuid('run_id')
      .notNull()
      .references(() => callbackRuns.id),
    companyId: uuid('company_id')
      .notNull()
      .references(() => propertyCompanies.id),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    merchantId: uuid('merchant_id')
      .notNull()
      .references(() => merchants.id),
    status: callbackStatus('status').notNull().default('pending'),
    reached: boolean('reached'),
    satisfaction: smallint('satisfaction'),
    comment: text('comment').notNull().default(''),
    complaint: text('complaint').notNull().default(''),
    recordedBy: uuid('recorded_by').references(() => users.id),
    recordedAt: ts('recorded_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    unique('callback_tasks_run_unit_uq').on(t.runId, t.unitId),
    index('callback_tasks_company_status_idx').on(t.companyId, t.status, t.createdAt),
    check(
      'callback_tasks_outcome_ck',
      sql`${t.satisfaction} IS NULL OR ${t.satisfaction} BETWEEN 1 AND 5`,
    ),
  ],
);

/** A complaint on an order that can no longer be disputed: someone owns it until it is resolved. */
export const qualityTickets = pgTable(
  'quality_tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: uuid('company_id')
      .notNull()
      .references(() => propertyCompanies.id),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    merchantId: uuid('merchant_id')
      .notNull()
      .references(() => merchants.id),
    callbackTaskId: uuid('callback_task_id').references(() => callbackTasks.id),
    complaint: text('complaint').notNull(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    openedAt: ts('opened_at').notNull().defaultNow(),
    dueAt: ts('due_at').notNull(),
    resolvedAt: ts('resolved_at'),
    resolvedBy: uuid('resolved_by').references(() => users.id),
    resolution: text('resolution'),
  },
  (t) => [
    index('quality_tickets_company_opened_idx').on(t.companyId, t.openedAt),
    unique('quality_tickets_callback_uq').on(t.callbackTaskId),
    check(
      'quality_tickets_resolved_ck',
      sql`(${t.resolvedAt} IS NULL) = (${t.resolution} IS NULL)`,
    ),
  ],
);
