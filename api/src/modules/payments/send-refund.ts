import { payments, refunds, type Db } from '@cgp/db';
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { processorOf } from './processor';
import { isProcessorRefusal } from './processor-errors';
import { applyProcessorRefunds } from './refund-updates';
import type { Payments } from './stripe-client';

export type RefundOutcome =
  { outcome: 'refunded' | 'pending' | 'already_refunded' } | { outcome: 'failed'; reason: string };

/** Gives up on a refund for good, with the reason ops will read. */
export async function markRefundFailed(db: Db, refundId: string, reason: string): Promise<void> {
  await db
    .update(refunds)
    .set({ status: 'failed', failureReason: reason.slice(0, 500), updatedAt: sql`now()` })
    .where(and(eq(refunds.id, refundId), eq(refunds.status, 'pending')));
}

/**
 * The `refund` job: sends one refund row to the Refunds API. It re-reads the row, so a rerun
 * after success does nothing, and the idempotency key `refund_<id>` makes Stripe create the refund
 * once however often the call is repeated (a dropped answer, a killed worker). Throws on errors
 * worth retrying.
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

  let created: Stripe.Refund;
  try {
    created = await processorOf(deps).stripe.refunds.create(
      {
        payment_intent: paymentIntentId,
        amount: refund.amountFen,
        metadata: { refund_id: refund.id, order_id: refund.orderId },
      },
      { idempotencyKey: `refund_${refund.id}` },
    );
  } catch (error) {
    if (!isProcessorRefusal(error)) throw error;
    const reason = `The payment processor refused the refund: ${error.message}`;
    await markRefundFailed(deps.db, refund.id, reason);
    return { outcome: 'failed', reason };
  }
  await deps.db.transaction((tx) => applyProcessorRefunds(tx, [created]));
  return { outcome: created.status === 'succeeded' ? 'refunded' : 'pending' };
}
