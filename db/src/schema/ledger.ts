import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { users } from './identity';
import { merchants, serviceCategory } from './merchants';
import { orders } from './orders';
import { refunds } from './payments';
import { propertyCompanies } from './tenancy';
import { ENTRY_PHASES, JOURNAL_KINDS } from './enum-values';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * The platform's share in basis points, per merchant or per category, from a moment on and, once
 * ended, until a moment. The most specific rule in force when an order is paid is frozen on the
 * order, so ending or changing a rule never touches orders already paid.
 */
export const commissionRules = pgTable(
  'commission_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: uuid('company_id')
      .notNull()
      .references(() => propertyCompanies.id),
    merchantId: uuid('merchant_id').references(() => merchants.id),
    category: serviceCategory('category'),
    platformBps: integer('platform_bps').notNull(),
    effectiveFrom: ts('effective_from').notNull(),
    /** Set once, when the rule is ended or replaced: from then on the next rule applies. */
    effectiveTo: ts('effective_to'),
    /** The rule this one replaced when a rule's rate was changed from a date. */
    replacesRuleId: uuid('replaces_rule_id').references((): AnyPgColumn => commissionRules.id),
    createdBy: uuid('created_by').references(() => users.id),
    note: text('note').notNull().default(''),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('commission_rules_bps_ck', sql`${t.platformBps} BETWEEN 0 AND 10000`),
    check(
      'commission_rules_period_ck',
      sql`${t.effectiveTo} IS NULL OR ${t.effectiveTo} > ${t.effectiveFrom}`,
    ),
    index('commission_rules_lookup_idx').on(t.companyId, t.effectiveFrom),
  ],
);

export const journalKind = pgEnum('journal_kind', JOURNAL_KINDS);
export const entryPhase = pgEnum('entry_phase', ENTRY_PHASES);

/**
 * Double-entry, append-only (triggers refuse UPDATE and DELETE). Each entry's postings sum to
 * zero, checked at commit; amounts are signed fen, debit positive.
 */
export const journalEntries = pgTable(
  'journal_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: journalKind('kind').notNull(),
    /** Makes posting the same business event twice impossible (payment:<order>, payout:<statement>…). */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    orderId: uuid('order_id').references(() => orders.id),
    refundId: uuid('refund_id').references(() => refunds.id),
    statementId: uuid('statement_id'),
    memo: text('memo').notNull().default(''),
    /**
     * `pending` entries reserve; a `post` or `void` entry names its pending entry, and a pending
     * entry is resolved at most once (the unique index), so a posting's state is read from rows
     * that are only ever added.
     */
    phase: entryPhase('phase').notNull().default('single'),
    pendingEntryId: uuid('pending_entry_id').references((): AnyPgColumn => journalEntries.id),
    /**
     * The processor balance transaction (txn_…) whose money this entry books. Every entry that
     * moves `cash:stripe` names one, and its `cash:stripe` lines sum to that balance transaction's
     * net (amount − fee; the fee is a line to `expense:processor_fees` in the same entry), so
     * reconciliation matches each balance transaction to exactly one entry and each entry that
     * claims processor money to exactly one processor object. Null for entries that move no
     * processor money (earnings, pending reservations).
     */
    processorObjectId: text('processor_object_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('journal_entries_order_idx').on(t.orderId),
    index('journal_entries_refund_idx').on(t.refundId),
    index('journal_entries_processor_object_idx').on(t.processorObjectId),
    uniqueIndex('journal_entries_resolves_uq').on(t.pendingEntryId),
    check(
      'journal_entries_resolution_ck',
      sql`(${t.phase} IN ('post', 'void')) = (${t.pendingEntryId} IS NOT NULL)`,
    ),
  ],
);

export const ledgerPostings = pgTable(
  'ledger_postings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => journalEntries.id),
    /** cash:stripe, escrow:order, payable:merchant:<id>, revenue:platform */
    account: text('account').notNull(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    orderId: uuid('order_id').references(() => orders.id),
    merchantId: uuid('merchant_id').references(() => merchants.id),
    refundId: uuid('refund_id').references(() => refunds.id),
    statementId: uuid('statement_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('ledger_postings_nonzero_ck', sql`${t.amountFen} <> 0`),
    index('ledger_postings_account_idx').on(t.account),
    index('ledger_postings_order_idx').on(t.orderId),
    index('ledger_postings_entry_idx').on(t.entryId),
  ],
);
