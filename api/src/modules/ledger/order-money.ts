import { merchants, orders, refunds, type Tx } from '@cgp/db';
import { eq, sql } from 'drizzle-orm';
import { enqueue } from '../outbox/outbox';
import { QUEUES } from '../outbox/queues';
import { ACCOUNTS } from './accounts';
import { commissionFor } from './commission';
import { holdOpenDisputesOnEarning } from './dispute-postings';
import { postEntry } from './post';
import { processorCashLines, type ProcessorMoney } from './processor-cash';
import { reserveRefund } from './refund-postings';
import { split } from './split';

type Order = typeof orders.$inferSelect;

/**
 * A payment arrived for an order: freeze on the order the commission in force `at` (when the
 * payment was created at the processor), and post Dr cash / Cr escrow for the total, booking the
 * charge's balance transaction `money`: cash by its net, its fee to the platform's expense. Fees
 * never touch the order's split.
 */
export async function recordPayment(
  tx: Tx,
  order: Order,
  at = new Date(),
  money: ProcessorMoney | null = null,
  /** When the payment was booked, if not now (the demo's history books its past on its own days). */
  bookedAt?: Date,
): Promise<Order> {
  const [merchant] = await tx
    .select({ companyId: merchants.companyId })
    .from(merchants)
    .where(eq(merchants.id, order.merchantId));
  const rule = await commissionFor(tx, {
    companyId: merchant!.companyId,
    merchantId: order.merchantId,
    category: order.category,
    at,
  });
  const [frozen] = await tx
    .update(orders)
    .set({ platformBps: rule.platformBps, commissionRuleId: rule.ruleId })
    .where(eq(orders.id, order.id))
    .returning();
  await postEntry(tx, {
    kind: 'payment',
    idempotencyKey: `payment:${order.id}`,
    orderId: order.id,
    memo: 'payment received',
    processorObjectId: money?.balanceTransactionId,
    at: bookedAt,
    lines: [
      ...processorCashLines(order.totalFen, money),
      { account: ACCOUNTS.escrow, amountFen: -order.totalFen },
    ],
  });
  return frozen!;
}

/**
 * Money goes back to the resident: a refund row (the Refunds API call follows from the outbox,
 * keyed by the row) and its `pending` posting. Before the order earned anything the refund comes
 * out of escrow; afterwards the shares are recomputed from the new net and the differences are
 * taken back from the merchant's payable and the platform's revenue, so no fen drifts. The amount
 * waits in `clearing:refunds` until the processor confirms it (posted) or refuses it (voided).
 * `order` must already carry the increased `refundFen`.
 */
export async function recordRefund(tx: Tx, order: Order, amountFen: number, cause: string) {
  const [refund] = await tx
    .insert(refunds)
    .values({ orderId: order.id, amountFen, cause })
    .returning();
  await reserveOrderRefund(tx, order, refund!, cause);
  await enqueue(tx, {
    queue: QUEUES.payments,
    name: 'refund',
    payload: { refundId: refund!.id, orderId: order.id, amountFen },
  });
  return refund!;
}

/**
 * The `pending` posting of an order's refund row: out of escrow before the order earned anything,
 * afterwards out of the shares, recomputed from the new net by the one split (the order's shares
 * are updated with it). `order` must already carry the increased `refundFen`.
 */
export async function reserveOrderRefund(
  tx: Tx,
  order: Order,
  refund: typeof refunds.$inferSelect,
  cause: string,
): Promise<void> {
  if (!order.earnedAt) {
    await reserveRefund(
      tx,
      refund,
      [{ account: ACCOUNTS.escrow, amountFen: refund.amountFen }],
      `refund before earning (${cause})`,
    );
    return;
  }
  const now = split(order.totalFen - order.refundFen, order.platformBps!);
  const merchantDelta = order.merchantShareFen! - now.merchantFen;
  const platformDelta = order.platformShareFen! - now.platformFen;
  await reserveRefund(
    tx,
    refund,
    [
      {
        account: ACCOUNTS.payable(order.merchantId),
        amountFen: merchantDelta,
        merchantId: order.merchantId,
      },
      { account: ACCOUNTS.revenue, amountFen: platformDelta },
    ],
    `refund after earning (${cause})`,
  );
  await tx
    .update(orders)
    .set({ merchantShareFen: now.merchantFen, platformShareFen: now.platformFen })
    .where(eq(orders.id, order.id));
}

/**
 * A second payment for an order that was already paid: booked as it came in (Dr cash / Cr escrow)
 * and given back whole at once (a refund of that payment, reserved from escrow until the processor
 * confirms it), so the order's own
 * money and shares are untouched and the processor's balance still matches the ledger.
 */
export async function refundDuplicatePayment(
  tx: Tx,
  order: Order,
  paymentIntentId: string,
  amountFen: number,
  money: ProcessorMoney | null = null,
): Promise<void> {
  const booked = await postEntry(tx, {
    kind: 'payment',
    idempotencyKey: `payment:${order.id}:${paymentIntentId}`,
    orderId: order.id,
    memo: `duplicate payment ${paymentIntentId}`,
    processorObjectId: money?.balanceTransactionId,
    lines: [
      ...processorCashLines(amountFen, money),
      { account: ACCOUNTS.escrow, amountFen: -amountFen },
    ],
  });
  if (!booked) return;
  const [refund] = await tx
    .insert(refunds)
    .values({ orderId: order.id, amountFen, cause: 'duplicate_payment', paymentIntentId })
    .returning();
  await reserveRefund(
    tx,
    refund!,
    [{ account: ACCOUNTS.escrow, amountFen }],
    `refund of duplicate payment ${paymentIntentId}`,
  );
  await enqueue(tx, {
    queue: QUEUES.payments,
    name: 'refund',
    payload: { refundId: refund!.id, orderId: order.id, amountFen },
  });
}

/**
 * The order has earned what is left of its money (confirmation, or a close that kept a fee):
 * split it once, post Dr escrow / Cr payable / Cr revenue, and make it eligible for settlement.
 */
export async function recordEarning(tx: Tx, order: Order, at?: Date): Promise<void> {
  if (order.earnedAt || order.paidAt === null || order.platformBps === null) return;
  const net = order.totalFen - order.refundFen;
  if (net <= 0) return;
  const shares = split(net, order.platformBps);
  await postEntry(tx, {
    kind: 'earning',
    idempotencyKey: `earning:${order.id}`,
    orderId: order.id,
    memo: 'shares earned',
    at,
    lines: [
      { account: ACCOUNTS.escrow, amountFen: net },
      {
        account: ACCOUNTS.payable(order.merchantId),
        amountFen: -shares.merchantFen,
        merchantId: order.merchantId,
      },
      { account: ACCOUNTS.revenue, amountFen: -shares.platformFen },
    ],
  });
  const [earned] = await tx
    .update(orders)
    .set({
      merchantShareFen: shares.merchantFen,
      platformShareFen: shares.platformFen,
      earnedAt: at ?? sql`now()`,
    })
    .where(eq(orders.id, order.id))
    .returning();
  await holdOpenDisputesOnEarning(tx, earned!);
}
