import { orders, payments, type Tx } from '@cgp/db';
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import {
  holdDisputedAmount,
  loseDisputedAmount,
  releaseDisputedAmount,
} from '../ledger/dispute-postings';
import { idOf, processorMoneyOf } from './processor-refs';

/** The `charge.dispute.*` events whose dispute the books follow. */
export const DISPUTE_EVENTS = new Set<string>([
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
  'charge.dispute.closed',
]);

/**
 * Brings the books in line with a dispute as the processor has it now (fetched, not taken from
 * the event): each of its balance transactions booked once, in the order the processor made them
 * (the withdrawal holds the merchant's share, a reinstatement releases it), and a lost dispute
 * reversed. Any of its events, in any order and any number of times, leads to the same books.
 */
export async function applyProcessorDispute(tx: Tx, dispute: Stripe.Dispute): Promise<void> {
  const paymentIntentId = idOf(dispute.payment_intent);
  if (!paymentIntentId) return;
  const [payment] = await tx
    .select({ orderId: payments.orderId })
    .from(payments)
    .where(eq(payments.paymentIntentId, paymentIntentId));
  if (!payment) return; // not a payment of ours
  const current = async () =>
    (await tx.select().from(orders).where(eq(orders.id, payment.orderId)).for('update'))[0]!;
  const of = { id: dispute.id, amountFen: dispute.amount };
  const lines = [...dispute.balance_transactions].sort((a, b) => a.created - b.created);
  for (const line of lines) {
    const money = processorMoneyOf(line)!;
    if (line.amount < 0) await holdDisputedAmount(tx, await current(), of, money);
    else await releaseDisputedAmount(tx, await current(), of, money);
  }
  if (dispute.status === 'lost') await loseDisputedAmount(tx, await current(), of);
}
