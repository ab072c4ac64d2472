import { refunds, type Tx } from '@cgp/db';
import { and, eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { postRefund, reserveRefundAgain, voidRefund } from '../ledger/refund-postings';
import { ourId } from './processor-refs';

type RefundRow = typeof refunds.$inferSelect;
type ProcessorStatus = 'succeeded' | 'failed' | 'pending';

function statusOf(refund: Stripe.Refund): ProcessorStatus {
  if (refund.status === 'succeeded') return 'succeeded';
  if (refund.status === 'failed' || refund.status === 'canceled') return 'failed';
  return 'pending';
}

/** Which of our attempts a processor refund belongs to (`metadata.attempt`, 1 when absent). */
export function attemptOf(refund: Stripe.Refund): number {
  const n = Number(refund.metadata?.attempt ?? 1);
  return Number.isSafeInteger(n) && n > 0 ? n : 1;
}

/**
 * Gives up on a pending refund (the processor refused it, or we stopped trying), in one
 * transaction: the row becomes `failed` with the reason ops will read, and its pending posting is
 * voided, so the reservation comes back and ops can retry it.
 */
export async function failRefund(tx: Tx, refundId: string, reason: string): Promise<boolean> {
  const [row] = await tx
    .update(refunds)
    .set({ status: 'failed', failureReason: reason.slice(0, 500), updatedAt: sql`now()` })
    .where(and(eq(refunds.id, refundId), eq(refunds.status, 'pending')))
    .returning();
  if (!row) return false;
  await voidRefund(tx, row);
  return true;
}

/** One processor refund applied to its row, its posting resolved in the same transaction. */
async function applyOne(tx: Tx, row: RefundRow, refund: Stripe.Refund): Promise<void> {
  const status = statusOf(refund);
  if (status === 'pending') {
    await tx
      .update(refunds)
      .set({ stripeRefundId: refund.id, updatedAt: sql`now()` })
      .where(and(eq(refunds.id, row.id), eq(refunds.status, 'pending')));
    return;
  }
  if (status === 'failed') {
    // A refund reported failed after it succeeded stays succeeded here (events come in any order).
    const [failed] = await tx
      .update(refunds)
      .set({
        status: 'failed',
        stripeRefundId: refund.id,
        failureReason: `The processor reports ${refund.failure_reason ?? refund.status}`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(refunds.id, row.id), eq(refunds.status, 'pending')))
      .returning();
    if (failed) await voidRefund(tx, failed);
    return;
  }
  if (row.status === 'failed') {
    // We had given it up, yet the processor made it (a lost answer, a late event): reserve it
    // again as a new attempt, then post it.
    const [again] = await tx
      .update(refunds)
      .set({
        status: 'succeeded',
        stripeRefundId: refund.id,
        attempt: sql`${refunds.attempt} + 1`,
        failureReason: null,
        updatedAt: sql`now()`,
      })
      .where(and(eq(refunds.id, row.id), eq(refunds.status, 'failed')))
      .returning();
    if (again) {
      await reserveRefundAgain(tx, again);
      await postRefund(tx, again);
    }
    return;
  }
  const [succeeded] = await tx
    .update(refunds)
    .set({
      status: 'succeeded',
      stripeRefundId: refund.id,
      failureReason: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(refunds.id, row.id), eq(refunds.status, 'pending')))
    .returning();
  if (succeeded) await postRefund(tx, succeeded);
}

/**
 * Brings our refund rows in line with the processor's refunds: matched by the processor's id, or
 * by our id in the metadata (the webhook may beat the worker to recording that id), for the
 * attempt the row is on. A confirmation posts the refund's pending entry, a failure voids it.
 */
export async function applyProcessorRefunds(tx: Tx, list: Stripe.Refund[]): Promise<void> {
  for (const refund of list) {
    const ours = ourId(refund.metadata?.refund_id);
    const [row] = await tx
      .select()
      .from(refunds)
      .where(ours ? eq(refunds.id, ours) : eq(refunds.stripeRefundId, refund.id))
      .for('update');
    if (!row) continue; // not ours (a refund made in the processor's dashboard)
    if (row.stripeRefundId !== refund.id && attemptOf(refund) !== row.attempt) continue;
    await applyOne(tx, row, refund);
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
