import { refunds, type Tx } from '@cgp/db';
import { and, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { ourId } from './processor-refs';

type RefundStatus = (typeof refunds.$inferSelect)['status'];

function statusOf(refund: Stripe.Refund): RefundStatus {
  if (refund.status === 'succeeded') return 'succeeded';
  if (refund.status === 'failed' || refund.status === 'canceled') return 'failed';
  return 'pending';
}

/**
 * Brings our refund rows in line with the processor's refunds: matched by the processor's id, or
 * by our id in the metadata when the webhook beats the worker to recording that id.
 */
export async function applyProcessorRefunds(tx: Tx, list: Stripe.Refund[]): Promise<void> {
  for (const refund of list) {
    const ours = ourId(refund.metadata?.refund_id);
    const match = ours
      ? or(
          eq(refunds.stripeRefundId, refund.id),
          and(eq(refunds.id, ours), isNull(refunds.stripeRefundId)),
        )
      : eq(refunds.stripeRefundId, refund.id);
    const status = statusOf(refund);
    await tx
      .update(refunds)
      .set({
        status,
        stripeRefundId: refund.id,
        failureReason:
          status === 'failed'
            ? `The processor reports ${refund.failure_reason ?? refund.status}`
            : null,
        updatedAt: sql`now()`,
      })
      // A refund reported pending after it succeeded (events come in any order) stays succeeded.
      .where(
        and(
          match,
          status === 'pending' ? eq(refunds.status, 'pending') : ne(refunds.status, status),
        ),
      );
  }
}

/**
 * The refunds behind a `charge.refunded` event. Current API versions leave `charge.refunds` out
 * of the event, so they are listed (before the transaction: no network inside it).
 */
export async function refundsOfCharge(
  stripe: Stripe,
  charge: Stripe.Charge,
): Promise<Stripe.Refund[]> {
  if (charge.refunds?.data && !charge.refunds.has_more) return charge.refunds.data;
  const listed: Stripe.Refund[] = [];
  for await (const refund of stripe.refunds.list({ charge: charge.id, limit: 100 })) {
    listed.push(refund);
  }
  return listed;
}
