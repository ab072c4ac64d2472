import { payments, refunds, type Db } from '@cgp/db';
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type Stripe from 'stripe';
import { processorOf } from './processor';
import { isProcessorRefusal } from './processor-errors';
import {
  applyProcessorRefunds,
  attemptOf,
  failRefund,
  withBalanceTransactions,
} from './refund-updates';
import type { Payments } from './stripe-client';

export type RefundOutcome =
  { outcome: 'refunded' | 'pending' | 'already_refunded' } | { outcome: 'failed'; reason: string };

/** Gives up on a refund, with the reason ops will read; its reservation comes back for a retry. */
export async function markRefundFailed(db: Db, refundId: string, reason: string): Promise<void> {
  await db.transaction((tx) => failRefund(tx, refundId, reason));
}

/** The idempotency key of a refund's attempt: the first keeps `refund_<id>`. */
export function refundIdempotencyKey(refundId: string, attempt: number): string {
  return attempt === 1 ? `refund_${refundId}` : `refund_${refundId}_${attempt}`;
}

/**
 * What the processor made for our refund, found by the id in its metadata among the payment's
 * refunds. This, not an idempotency key (Stripe forgets those after 24 hours), is what proves
 * whether an earlier attempt reached it.
 */
export async function processorRefundsFor(
  stripe: Stripe,
  paymentIntentId: string,
  refundId: string,
): Promise<Stripe.Refund[]> {
  const found: Stripe.Refund[] = [];
  for await (const r of stripe.refunds.list({
    payment_intent: paymentIntentId,
    limit: 100,
    expand: ['data.balance_transaction'],
  })) {
    if (r.metadata?.refund_id === refundId) found.push(r);
  }
  return withBalanceTransactions(stripe, found);
}

const outcomeOf = (status: string | null): RefundOutcome =>
  status === 'succeeded'
    ? { outcome: 'refunded' }
    : status === 'failed' || status === 'canceled'
      ? { outcome: 'failed', reason: `The processor reports the refund ${status}` }
      : { outcome: 'pending' };

/**
 * The `refund` job: sends one refund row to the Refunds API. It re-reads the row, so a rerun
 * after success does nothing. Before sending it looks the refund up at the processor: one that an
 * earlier run made (its answer lost, its idempotency key expired) is taken as it is, and a new
 * refund is asked for only when none of this attempt exists. The key `refund_<id>` (per attempt)
 * also makes Stripe create it once while it remembers the key. Throws on errors worth retrying.
 */
export async function sendRefund(
  deps: { db: Db; payments?: Payments },
  refundId: string,
): Promise<RefundOutcome> {
  const [refund] = await deps.db.select().from(refunds).where(eq(refunds.id, refundId));
  if (!refund) return { outcome: 'failed', reason: `Refund ${refundId} does not exist` };
  if (refund.status === 'succeeded') return { outcome: 'already_refunded' };
  if (refund.status === 'failed') {
    return { outcome: 'failed', reason: refund.failureReason ?? 'The refund has failed' };
  }

  const [payment] = await deps.db
    .select({ paymentIntentId: payments.paymentIntentId })
    .from(payments)
    .where(
      and(
        eq(payments.orderId, refund.orderId),
        eq(payments.status, 'succeeded'),
        isNotNull(payments.paymentIntentId),
      ),
    )
    .orderBy(asc(payments.succeededAt))
    .limit(1);
  const paymentIntentId = refund.paymentIntentId ?? payment?.paymentIntentId;
  if (!paymentIntentId) {
    const reason =
      'The order has no payment through the payment processor (it was marked paid without one), so there is nothing to refund';
    await markRefundFailed(deps.db, refund.id, reason);
    return { outcome: 'failed', reason };
  }

  const { stripe } = processorOf(deps);
  const made = await processorRefundsFor(stripe, paymentIntentId, refund.id);
  const standing =
    made.find((r) => r.status !== 'failed' && r.status !== 'canceled') ??
    made.find((r) => attemptOf(r) === refund.attempt);
  if (standing) {
    await deps.db.transaction((tx) => applyProcessorRefunds(tx, [standing]));
    return outcomeOf(standing.status);
  }

  let created: Stripe.Refund;
  try {
    created = await stripe.refunds.create(
      {
        payment_intent: paymentIntentId,
        amount: refund.amountFen,
        metadata: {
          refund_id: refund.id,
          order_id: refund.orderId,
          attempt: String(refund.attempt),
        },
        expand: ['balance_transaction'],
      },
      { idempotencyKey: refundIdempotencyKey(refund.id, refund.attempt) },
    );
  } catch (error) {
    if (!isProcessorRefusal(error)) throw error;
    const reason = `The payment processor refused the refund: ${error.message}`;
    await markRefundFailed(deps.db, refund.id, reason);
    return { outcome: 'failed', reason };
  }
  const booked = await withBalanceTransactions(stripe, [created]);
  await deps.db.transaction((tx) => applyProcessorRefunds(tx, booked));
  return outcomeOf(created.status);
}
