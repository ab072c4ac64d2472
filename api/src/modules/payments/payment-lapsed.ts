import { payments, type Tx } from '@cgp/db';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { ourId } from './processor-refs';

/**
 * `payment_intent.payment_failed`: the attempt is marked failed. Its session stays open at
 * Stripe, so `payment.checkout` hands the same one out for another try; a failure reported after
 * the success (events come in any order) changes nothing.
 */
export async function recordFailedAttempt(tx: Tx, intent: Stripe.PaymentIntent): Promise<void> {
  const orderId = ourId(intent.metadata?.order_id);
  if (!orderId) return;
  const [attempt] = await tx
    .select({ id: payments.id })
    .from(payments)
    .where(and(eq(payments.orderId, orderId), eq(payments.status, 'open')))
    .orderBy(desc(payments.createdAt))
    .limit(1);
  if (!attempt) return;
  await tx
    .update(payments)
    .set({ status: 'failed', paymentIntentId: intent.id, updatedAt: sql`now()` })
    .where(and(eq(payments.id, attempt.id), eq(payments.status, 'open')));
}

/** `checkout.session.expired`: nobody can pay through the session any more. */
export async function recordExpiredSession(
  tx: Tx,
  session: Stripe.Checkout.Session,
): Promise<void> {
  await tx
    .update(payments)
    .set({ status: 'expired', updatedAt: sql`now()` })
    .where(
      and(eq(payments.checkoutSessionId, session.id), inArray(payments.status, ['open', 'failed'])),
    );
}
