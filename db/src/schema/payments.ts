import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { orders } from './orders';
import { PAYMENT_STATUSES, REFUND_STATUSES } from './enum-values';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const paymentStatus = pgEnum('payment_status', PAYMENT_STATUSES);

/** A Stripe Checkout Session opened for an order, and what became of it. */
export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    checkoutSessionId: text('checkout_session_id').notNull().unique(),
    paymentIntentId: text('payment_intent_id').unique(),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    currency: text('currency').notNull().default('cny'),
    status: paymentStatus('status').notNull().default('open'),
    url: text('url').notNull(),
    /** How the resident paid (`card`, `alipay`, `wechat_pay`: the charge's payment_method_details.type). */
    paymentMethodType: text('payment_method_type'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    succeededAt: ts('succeeded_at'),
  },
  (t) => [
    check('payments_amount_ck', sql`${t.amountFen} > 0`),
    index('payments_order_idx').on(t.orderId),
  ],
);

export const refundStatus = pgEnum('refund_status', REFUND_STATUSES);

/**
 * Money going back to a resident. The row is written in the transaction that decides the refund;
 * the Refunds API call follows with idempotency key `refund_<id>`, so it happens exactly once.
 */
export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    /** The order action that caused it (cancel, reject, slaReject, resolveRefund, …). */
    cause: text('cause').notNull(),
    /** The payment it gives back when not the order's own (a duplicate payment); else null. */
    paymentIntentId: text('payment_intent_id'),
    status: refundStatus('status').notNull().default('pending'),
    stripeRefundId: text('stripe_refund_id').unique(),
    failureReason: text('failure_reason'),
    /**
     * 1 for the first sending; ops' retry of a refused refund makes the next, with its own pending
     * posting and (only once the processor is shown to have made none) its own idempotency key.
     */
    attempt: integer('attempt').notNull().default(1),
    /**
     * When the refund is due at the processor. A refund still pending some time past this is sent
     * again by the sweeper, whatever Redis kept of its job.
     */
    dueAt: ts('due_at').notNull().defaultNow(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('refunds_amount_ck', sql`${t.amountFen} > 0`),
    index('refunds_order_idx').on(t.orderId),
    index('refunds_pending_due_idx')
      .on(t.dueAt)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/** Every verified Stripe event, stored by its id: a replay or duplicate finds its row and stops. */
export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  payload: jsonb('payload').notNull(),
  receivedAt: ts('received_at').notNull().defaultNow(),
});

/**
 * A payment the processor reported that does not match its order (amount, currency or account):
 * recorded as a finding for the auditors, never taken as the order's payment.
 */
export const paymentFindings = pgTable(
  'payment_findings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    paymentIntentId: text('payment_intent_id').notNull(),
    /** payment_amount, payment_currency, payment_account */
    kind: text('kind').notNull(),
    expected: text('expected').notNull(),
    actual: text('actual').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('payment_findings_intent_kind_uq').on(t.paymentIntentId, t.kind),
    index('payment_findings_order_idx').on(t.orderId),
  ],
);
