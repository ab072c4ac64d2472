import { orders, payments, type Db } from '@cgp/db';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Logger } from '../../logger';
import { processorOf } from './processor';
import { isProcessorRefusal } from './processor-errors';
import type { Payments } from './stripe-client';

/** The session after trying to expire it; null when the processor does not know it at all. */
async function closeSession(stripe: Stripe, id: string): Promise<Stripe.Checkout.Session | null> {
  try {
    return await stripe.checkout.sessions.expire(id);
  } catch (error) {
    if (!isProcessorRefusal(error)) throw error;
  }
  // Refused because it is no longer open: see what it became.
  try {
    return await stripe.checkout.sessions.retrieve(id);
  } catch (error) {
    if (isProcessorRefusal(error)) return null;
    throw error;
  }
}

/**
 * The `expire-checkouts` schedule. Stripe keeps a session open at least 30 minutes, longer than
 * an order waits for payment, so once an order has expired (or was paid through another session)
 * its open sessions are expired through the API. A payment that slips in before this runs is
 * refunded by the webhook. Returns how many sessions were closed.
 */
export async function expireAbandonedCheckouts(
  deps: { db: Db; payments?: Payments; logger: Logger },
  limit = 100,
): Promise<number> {
  const { stripe } = processorOf(deps);
  const stale = await deps.db
    .select({ id: payments.id, sessionId: payments.checkoutSessionId })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(and(inArray(payments.status, ['open', 'failed']), ne(orders.status, 'pending_payment')))
    .orderBy(asc(payments.updatedAt))
    .limit(limit);
  let closed = 0;
  for (const attempt of stale) {
    const session = await closeSession(stripe, attempt.sessionId);
    if (session && session.status !== 'expired') {
      // Paid just now: the webhook settles it. Move the row back so others get their turn.
      await deps.db
        .update(payments)
        .set({ updatedAt: sql`now()` })
        .where(eq(payments.id, attempt.id));
      continue;
    }
    await deps.db
      .update(payments)
      .set({ status: 'expired', updatedAt: sql`now()` })
      .where(and(eq(payments.id, attempt.id), inArray(payments.status, ['open', 'failed'])));
    closed++;
  }
  if (closed) deps.logger.info({ closed }, 'expired checkout sessions of orders past payment');
  return closed;
}
