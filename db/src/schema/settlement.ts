import { sql } from 'drizzle-orm';
import {
  bigint,
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
import { merchants } from './merchants';
import { orders } from './orders';
import { STATEMENT_STATUSES } from './enum-values';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const statementStatus = pgEnum('statement_status', STATEMENT_STATUSES);

/** One merchant's settlement: the orders it takes and what is paid out for them. */
export const statements = pgTable(
  'statements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    merchantId: uuid('merchant_id')
      .notNull()
      .references(() => merchants.id),
    runId: uuid('run_id').notNull(),
    status: statementStatus('status').notNull().default('pending'),
    grossFen: bigint('gross_fen', { mode: 'number' }).notNull(),
    refundFen: bigint('refund_fen', { mode: 'number' }).notNull(),
    merchantFen: bigint('merchant_fen', { mode: 'number' }).notNull(),
    platformFen: bigint('platform_fen', { mode: 'number' }).notNull(),
    /** Balance brought in from before (negative after a refund that followed a payout). */
    carriedInFen: bigint('carried_in_fen', { mode: 'number' }).notNull().default(0),
    payoutFen: bigint('payout_fen', { mode: 'number' }).notNull(),
    orderCount: integer('order_count').notNull(),
    transferId: text('transfer_id').unique(),
    attempts: integer('attempts').notNull().default(0),
    /**
     * Which idempotency key the next transfer attempt uses. It moves on only after the processor
     * refused the last one (a refusal is replayed under its key for 24 hours) and a lookup by
     * transfer group then proves no transfer exists, so a new key can never pay twice.
     */
    transferKeyGeneration: integer('transfer_key_generation').notNull().default(0),
    failureReason: text('failure_reason'),
    /**
     * When the payout is next due to be attempted (SPEC §6): set when the statement is built, moved
     * on by the sweeper each time it sends the payout again. A pending statement past it by more
     * than the resend delay lost its job (Redis flushed, or BullMQ gave it up as stalled).
     */
    payoutDueAt: ts('payout_due_at').notNull().defaultNow(),
    createdAt: ts('created_at').notNull().defaultNow(),
    paidAt: ts('paid_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('statements_payout_ck', sql`${t.payoutFen} >= 0`),
    check(
      'statements_split_ck',
      sql`${t.merchantFen} + ${t.platformFen} = ${t.grossFen} - ${t.refundFen}`,
    ),
    index('statements_merchant_idx').on(t.merchantId, t.createdAt),
    index('statements_payout_due_idx').on(t.payoutDueAt).where(sql`${t.status} = 'pending'`),
  ],
);

export const statementLines = pgTable(
  'statement_lines',
  {
    statementId: uuid('statement_id')
      .notNull()
      .references(() => statements.id),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id)
      .unique(),
    grossFen: bigint('gross_fen', { mode: 'number' }).notNull(),
    refundFen: bigint('refund_fen', { mode: 'number' }).notNull(),
    merchantFen: bigint('merchant_fen', { mode: 'number' }).notNull(),
    platformFen: bigint('platform_fen', { mode: 'number' }).notNull(),
    platformBps: integer('platform_bps').notNull(),
  },
  (t) => [primaryKey({ columns: [t.statementId, t.orderId] })],
);
