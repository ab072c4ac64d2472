import {
  bigint,
  bigserial,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
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

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
const fen = (name: string) => bigint(name, { mode: 'number' });

/**
 * One reconciliation of the processor's balance transactions with the ledger, over whole business
 * days (SPEC §5): nightly for yesterday, or on demand for any period. Counts are the deployment's.
 */
export const reconciliationRuns = pgTable(
  'reconciliation_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Business days (TZ_BUSINESS), both included. */
    periodFrom: date('period_from', { mode: 'string' }).notNull(),
    periodTo: date('period_to', { mode: 'string' }).notNull(),
    /** `nightly` (the job) or `on_demand` (someone asked). */
    trigger: text('trigger').notNull(),
    requestedBy: uuid('requested_by').references(() => users.id),
    balanceTransactions: integer('balance_transactions').notNull(),
    entries: integer('entries').notNull(),
    findings: integer('findings').notNull(),
    startedAt: ts('started_at').notNull(),
    finishedAt: ts('finished_at').notNull().defaultNow(),
  },
  (t) => [index('reconciliation_runs_finished_idx').on(t.finishedAt)],
);

/**
 * Where each business day stands: the latest run that covered it, and what it found. One row per
 * day for the deployment (company null, what the operator sees) and one per company that had
 * processor money or findings that day (what its staff see). A day is reconciled when its
 * findings are zero.
 */
export const reconciliationDays = pgTable(
  'reconciliation_days',
  {
    businessDate: date('business_date', { mode: 'string' }).notNull(),
    companyId: uuid('company_id').references(() => propertyCompanies.id),
    runId: uuid('run_id')
      .notNull()
      .references(() => reconciliationRuns.id),
    balanceTransactions: integer('balance_transactions').notNull(),
    entries: integer('entries').notNull(),
    findings: integer('findings').notNull(),
    reconciledAt: ts('reconciled_at').notNull().defaultNow(),
  },
  (t) => [
    unique('reconciliation_days_day_company_uq').on(t.businessDate, t.companyId).nullsNotDistinct(),
  ],
);

/**
 * A disagreement between the processor and the ledger, as a run found it: a kind, both ids, both
 * amounts, and the words an auditor reads. Company null: deployment-wide (the operator's).
 */
export const reconciliationFindings = pgTable(
  'reconciliation_findings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: uuid('run_id')
      .notNull()
      .references(() => reconciliationRuns.id),
    businessDate: date('business_date', { mode: 'string' }).notNull(),
    companyId: uuid('company_id').references(() => propertyCompanies.id),
    /** unbooked, entry_without_processor_object, processor_object_missing, amount_mismatch, … */
    kind: text('kind').notNull(),
    /** What the balance transaction is (charge, refund, dispute_withdrawal, …), when there is one. */
    lineKind: text('line_kind'),
    balanceTransactionId: text('balance_transaction_id'),
    sourceId: text('source_id'),
    entryIds: jsonb('entry_ids').$type<string[]>().notNull(),
    processorAmountFen: fen('processor_amount_fen'),
    processorFeeFen: fen('processor_fee_fen'),
    processorNetFen: fen('processor_net_fen'),
    ledgerCashFen: fen('ledger_cash_fen'),
    ledgerFeeFen: fen('ledger_fee_fen'),
    orderId: uuid('order_id'),
    statementId: uuid('statement_id'),
    refundId: uuid('refund_id'),
    detailZh: text('detail_zh').notNull(),
    detailEn: text('detail_en').notNull(),
  },
  (t) => [index('reconciliation_findings_run_day_idx').on(t.runId, t.businessDate)],
);
