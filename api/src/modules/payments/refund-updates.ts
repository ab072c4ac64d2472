import { refunds, type Tx } from '@cgp/db';
import { and, eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import {
  postRefund,
  reserveRefundAgain,
  returnFailedRefund,
  voidRefund,
} from '../ledger/refund-postings';
import { bookDashboardRefund } from './dashboard-refunds';
import { ourId, processorMoneyOf } from './processor-refs';

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
  if (status === 'failed' && row.status === 'succeeded') {
    // Confirmed, then failed (Stripe's refund.updated): the processor gave the money back to the
    // platform's balance. The refund is failed from here on, and ops can retry it.
    const [failed] = await tx
      .update(refunds)
      .set({
        status: 'failed',
        failureReason: `The processor reports the refund failed after it had succeeded (${refund.failure_reason ?? 'unknown'})`,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(refunds.id, row.id),
          eq(refunds.status, 'succeeded'),
          eq(refunds.stripeRefundId, refund.id),
        ),
      )
      .returning();
    if (failed)
      await returnFailedRefund(tx, failed, processorMoneyOf(refund.failure_balance_transaction));
    return;
  }
  if (status === 'failed') {
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
      await postRefund(tx, again, processorMoneyOf(refund.balance_transaction));
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
  if (succeeded) await postRefund(tx, succeeded, processorMoneyOf(refund.balance_transaction));
}

/**
 * Brings our refund rows in line with the processor's refunds: matched by the processor's id, or
 * by our id in the metadata (the webhook may beat the worker to recording that id), for the
 * attempt the row is on. A confirmation posts the refund's pending entry, a failure voids it, a
 * failure after confirmation gives the money back; a refund someone made in the processor's
 * Dashboard is booked as a confirmed refund of its order. `list` holds the refunds as the
 * processor has them now, their balance transactions expanded (`withBalanceTransactions`).
 */
export async function applyProcessorRefunds(tx: Tx, list: Stripe.Refund[]): Promise<void> {
  for (const refund of list) {
    const ours = ourId(refund.metadata?.refund_id);
    const [row] = await tx
      .select()
      .from(refunds)
      .where(ours ? eq(refunds.id, ours) : eq(refunds.stripeRefundId, refund.id))
      .for('update');
    if (!row) {
      if (!ours) await bookDashboardRefund(tx, refund);
      continue;
    }
    // An earlier attempt's refund (refused, or failed after succeeding) says nothing of this one.
    if (attemptOf(refund) !== row.attempt) continue;
    await applyOne(tx, row, refund);
  }
}

/**
 * The refunds behind a `charge.refunded` event, as the processor has them now (an event's copy
 * may be older than a failure that followed it), listed before the transaction: no network
 * inside it.
 */
export async function refundsOfCharge(
  stripe: Stripe,
  charge: Stripe.Charge,
): Promise<Stripe.Refund[]> {
  const listed: Stripe.Refund[] = [];
  for await (const refund of stripe.refunds.list({
    charge: charge.id,
    limit: 100,
    expand: ['data.balance_transaction'],
  })) {
    listed.push(refund);
  }
  return withBalanceTransactions(stripe, listed);
}

/** A refund the processor has now, whatever an event said of it earlier. */
export async function currentRefund(stripe: Stripe, refund: Stripe.Refund): Promise<Stripe.Refund> {
  const now = await stripe.refunds.retrieve(refund.id, { expand: ['balance_transaction'] });
  return (await withBalanceTransactions(stripe, [now]))[0]!;
}

const balanceTransaction = (stripe: Stripe, field: string | Stripe.BalanceTransaction) =>
  typeof field === 'string' ? stripe.balanceTransactions.retrieve(field) : field;

/**
 * The refunds with what the ledger books from them expanded: the balance transaction that took
 * the money, and the one that brought it back if the refund failed after succeeding.
 */
export function withBalanceTransactions(
  stripe: Stripe,
  list: Stripe.Refund[],
): Promise<Stripe.Refund[]> {
  return Promise.all(
    list.map(async (refund) => ({
      ...refund,
      balance_transaction: refund.balance_transaction
        ? await balanceTransaction(stripe, refund.balance_transaction)
        : null,
      ...(refund.failure_balance_transaction
        ? {
            failure_balance_transaction: await balanceTransaction(
              stripe,
              refund.failure_balance_transaction,
            ),
          }
        : {}),
    })),
  );
}
