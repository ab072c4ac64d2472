import { orders, paymentFindings, payments, refunds, type Tx } from '@cgp/db';
import { and, eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { reserveOrderRefund } from '../ledger/order-money';
import { postRefund } from '../ledger/refund-postings';
import { idOf, processorMoneyOf } from './processor-refs';

/** The cause of a refund someone made in the processor's Dashboard, not through the platform. */
export const DASHBOARD_REFUND_CAUSE = 'processor_dashboard';

/**
 * A refund the processor made without us (someone pressed refund in its Dashboard): booked once,
 * as a refund of its order that the processor has confirmed. The order's refunded amount grows,
 * its shares are recomputed by the one split, and the money leaves `cash:stripe` by the refund's
 * balance transaction. Found again by its processor id, so every later report of it (refund.*,
 * charge.refunded, in any order) finds the row and changes nothing. Only a refund that succeeded
 * is booked; a pending one is booked when the report of its success comes.
 */
export async function bookDashboardRefund(tx: Tx, refund: Stripe.Refund): Promise<void> {
  if (refund.status !== 'succeeded') return;
  const paymentIntentId = idOf(refund.payment_intent);
  if (!paymentIntentId) return;
  const [payment] = await tx
    .select({ orderId: payments.orderId })
    .from(payments)
    .where(eq(payments.paymentIntentId, paymentIntentId));
  if (!payment) return; // not a payment of ours
  // The order row is the lock every report of this refund queues on.
  await tx
    .select({ id: orders.id })
    .from(orders)
    .where(eq(orders.id, payment.orderId))
    .for('update');
  const [known] = await tx
    .select({ id: refunds.id })
    .from(refunds)
    .where(eq(refunds.stripeRefundId, refund.id));
  if (known) return;
  const [order] = await tx
    .update(orders)
    .set({ refundFen: sql`${orders.refundFen} + ${refund.amount}`, updatedAt: sql`now()` })
    .where(
      and(
        eq(orders.id, payment.orderId),
        sql`${orders.refundFen} + ${refund.amount} <= ${orders.totalFen}`,
      ),
    )
    .returning();
  if (!order) {
    // More than the order has left: the books cannot take it as a refund of the order.
    await tx
      .insert(paymentFindings)
      .values({
        orderId: payment.orderId,
        paymentIntentId,
        kind: 'dashboard_refund_exceeds_order',
        expected: 'at most what is left of the order',
        actual: `${refund.id} ${refund.amount}`,
      })
      .onConflictDoNothing();
    return;
  }
  const [row] = await tx
    .insert(refunds)
    .values({
      orderId: order.id,
      amountFen: refund.amount,
      cause: DASHBOARD_REFUND_CAUSE,
      status: 'succeeded',
      stripeRefundId: refund.id,
    })
    .returning();
  await reserveOrderRefund(tx, order, row!, DASHBOARD_REFUND_CAUSE);
  await postRefund(tx, row!, processorMoneyOf(refund.balance_transaction));
}
