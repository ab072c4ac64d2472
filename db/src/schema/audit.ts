import {
  bigserial,
  boolean,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './identity';
import { propertyCompanies } from './tenancy';

/**
 * Every money- or permission-affecting action: who, what, on what, before and after. Append-only
 * (a trigger refuses UPDATE and DELETE), like the ledger.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    companyId: uuid('company_id').references(() => propertyCompanies.id),
    actorId: uuid('actor_id').references(() => users.id),
    actorRole: text('actor_role').notNull(),
    /** e.g. settlement.runNow, commission.create, ops.resolveDispute, merchant.suspend */
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_log_company_at_idx').on(t.companyId, t.at),
    index('audit_log_subject_idx').on(t.subjectType, t.subjectId),
  ],
);

/** One thing the processor and our books disagree on. */
export interface ReconciliationFinding {
  /** e.g. transfer_missing, transfer_amount, refund_missing, refund_amount, payment_amount */
  kind: string;
  subjectType: 'statement' | 'refund' | 'payment';
  subjectId: string;
  /** What we recorded and what the processor says, in words and figures. */
  detail: string;
}

/**
 * The nightly reconciliation of our books against the processor: every payout, refund and payment
 * of the window looked up at the processor, and what disagreed.
 */
export const reconciliationRuns = pgTable(
  'reconciliation_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    windowFrom: timestamp('window_from', { withTimezone: true, precision: 3 }).notNull(),
    windowTo: timestamp('window_to', { withTimezone: true, precision: 3 }).notNull(),
    ok: boolean('ok').notNull(),
    /** How many objects of each kind were compared, across the deployment. */
    checked: jsonb('checked').$type<Record<string, number>>().notNull(),
    /** The same counts per property company (by company id): what its own staff are shown. */
    checkedByCompany: jsonb('checked_by_company')
      .$type<Record<string, Record<string, number>>>()
      .notNull()
      .default({}),
    findings: jsonb('findings').$type<ReconciliationFinding[]>().notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, precision: 3 })
      .notNull()
      .defaultNow(),
  },
  (t) => [index('reconciliation_runs_finished_idx').on(t.finishedAt)],
);
