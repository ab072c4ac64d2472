import { orders, paymentFindings, payments, type Tx } from '@cgp/db';
import { and, eq, ne, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Logger } from '../../logger';
import { recordPayment, recordRefund, refundDuplicatePayment } from '../ledger/order-money';
import { transitionOrder, type OrderTimers } from '../orders/transition';
import { paymentMismatches } from './payment-checks';
import { chargeMoneyOf, idOf, ourId } from './processor-refs';

type Order = typeof orders.$inferSelect;

export interface PaymentEffects {
  timers: OrderTimers;
  logger: Logger;
}

interface ReceivedPayment {
  orderId: string;
  paymentIntentId: string;
  /**
   * The PaymentIntent as the processor has it now (fetched, not taken from the event), its
   * charge's balance transaction expanded (`PAYMENT_EXPAND`).
   */
  intent: Stripe.PaymentIntent;
  /** The connected account the event came from; absent for the platform's own. */
  account: string | null;
  /** Known from `checkout.session.completed`; `payment_intent.succeeded` does not name it. */
  session?: Stripe.Checkout.Session;
}

export type PaymentOutcome =
  'paid' | 'refunded_late' | 'already_applied' | 'second_payment' | 'mismatch' | 'unknown_order';

/**
 * Marks the attempt succeeded. Returns false when it already was, with this PaymentIntent: the
 * other of the two events that report one payment got here first.
 */
async function markAttemptSucceeded(tx: Tx, paid: ReceivedPayment): Promise<boolean> {
  const rows = await tx
    .select()
    .from(payments)
    .where(eq(payments.orderId, paid.orderId))
    .for('update');
  const sessionId = paid.session?.id;
  const row =
    (sessionId && rows.find((r) => r.checkoutSessionId === sessionId)) ||
    rows.find((r) => r.paymentIntentId === paid.paymentIntentId) ||
    (sessionId
      ? undefined
      : rows.find((r) => (r.status === 'open' || r.status === 'failed') && !r.paymentIntentId));
  const charge = paid.intent.latest_charge;
  const succeeded = {
    status: 'succeeded' as const,
    paymentIntentId: paid.paymentIntentId,
    paymentMethodType:
      (typeof charge === 'object' && charge?.payment_method_details?.type) ||
      (paid.intent.payment_method_types.length === 1 ? paid.intent.payment_method_types[0] : null),
    succeededAt: sql`now()`,
    updatedAt: sql`now()`,
  };
  if (row) {
    if (row.status === 'succeeded' && row.paymentIntentId === paid.paymentIntentId) return false;
    await tx.update(payments).set(succeeded).where(eq(payments.id, row.id));
  } else if (paid.session?.amount_total) {
    // A session we have no row for (our insert after creating it was lost): keep the record,
    // since refunds find the PaymentIntent through it.
    await tx.insert(payments).values({
      orderId: paid.orderId,
      checkoutSessionId: paid.session.id,
      amountFen: paid.session.amount_total,
      url: paid.session.url ?? '',
      ...succeeded,
    });
  }
  return true;
}

/**
 * Money for an order that can no longer take it (it expired while the resident paid): take it
 * into the ledger and give all of it back at once. The order stays expired.
 */
async function refundLatePayment(tx: Tx, order: Order, paid: ReceivedPayment): Promise<void> {
  await recordPayment(tx, order, new Date(paid.intent.created * 1000), chargeMoneyOf(paid.intent));
  const [owed] = await tx
    .update(orders)
    .set({ refundFen: sql`${orders.refundFen} + ${order.totalFen}`, updatedAt: sql`now()` })
    .where(eq(orders.id, order.id))
    .returning();
  await recordRefund(tx, owed!, order.totalFen, 'late_payment');
}

/**
 * A payment succeeded at the processor, reported by `checkout.session.completed` or
 * `payment_intent.succeeded`, in either order. The first report pays the order (or refunds a
 * late payment); the second finds the attempt succeeded and changes nothing.
 */
export async function applyReceivedPayment(
  tx: Tx,
  paid: ReceivedPayment,
  effects: PaymentEffects,
): Promise<PaymentOutcome> {
  // The order row is the lock both reports queue on.
  const [order] = await tx.select().from(orders).where(eq(orders.id, paid.orderId)).for('update');
  if (!order) {
    effects.logger.warn({ ...paid, session: paid.session?.id }, 'payment for an unknown order');
    return 'unknown_order';
  }
  const mismatches = paymentMismatches(order, {
    amountsFen: [
      ...(paid.session ? [paid.session.amount_total ?? 0] : []),
      paid.intent.amount_received,
    ],
    currencies: [...(paid.session?.currency ? [paid.session.currency] : []), paid.intent.currency],
    account: paid.account,
  });
  if (mismatches.length) {
    await tx
      .insert(paymentFindings)
      .values(
        mismatches.map((m) => ({ orderId: order.id, paymentIntentId: paid.paymentIntentId, ...m })),
      )
      .onConflictDoNothing();
    effects.logger.error(
      { orderId: order.id, paymentIntentId: paid.paymentIntentId, mismatches },
      'a payment that does not match its order: recorded as a finding, not as a payment',
    );
    return 'mismatch';
  }
  if (!(await markAttemptSucceeded(tx, paid))) return 'already_applied';

  // paidAt or a refund on an unpaid order means money for this order is already in the ledger.
  const moneyIn = order.paidAt !== null || order.refundFen > 0;
  if (!moneyIn && order.status === 'pending_payment') {
    await transitionOrder(tx, {
      orderId: order.id,
      action: 'pay',
      actor: { kind: 'system' },
      timers: effects.timers,
      reason: `payment ${paid.paymentIntentId}`,
      // The rule in force when the resident paid, however late the report arrives.
      paymentCreatedAt: new Date(paid.intent.created * 1000),
      paymentMoney: chargeMoneyOf(paid.intent),
    });
    return 'paid';
  }
  if (!moneyIn) {
    await refundLatePayment(tx, order, paid);
    return 'refunded_late';
  }
  const [other] = await tx
    .select({ id: payments.id })
    .from(payments)
    .where(
      and(
        eq(payments.orderId, order.id),
        eq(payments.status, 'succeeded'),
        ne(payments.paymentIntentId, paid.paymentIntentId),
      ),
    );
  if (other) {
    // Two sessions paid for one order: the second payment is booked and given back in full.
    await refundDuplicatePayment(
      tx,
      order,
      paid.paymentIntentId,
      paid.intent.amount_received,
      chargeMoneyOf(paid.intent),
    );
    effects.logger.warn(
      { orderId: order.id, paymentIntentId: paid.paymentIntentId },
      'second payment for an already-paid order: refunded',
    );
    return 'second_payment';
  }
  return 'already_applied';
}

/** `checkout.session.completed` / `async_payment_succeeded`, once the money is in. */
export function applyPaidSession(
  tx: Tx,
  session: Stripe.Checkout.Session,
  intent: Stripe.PaymentIntent,
  account: string | undefined,
  effects: PaymentEffects,
): Promise<PaymentOutcome> | undefined {
  const orderId = ourId(session.metadata?.order_id, session.client_reference_id);
  const paymentIntentId = idOf(session.payment_intent);
  if (session.payment_status !== 'paid' || !orderId || paymentIntentId !== intent.id) {
    return undefined;
  }
  return applyReceivedPayment(
    tx,
    { orderId, paymentIntentId, session, intent, account: account ?? null },
    effects,
  );
}

/** `payment_intent.succeeded`. */
export function applySucceededIntent(
  tx: Tx,
  intent: Stripe.PaymentIntent,
  account: string | undefined,
  effects: PaymentEffects,
): Promise<PaymentOutcome> | undefined {
  const orderId = ourId(intent.metadata?.order_id);
  if (!orderId || intent.status !== 'succeeded') return undefined;
  return applyReceivedPayment(
    tx,
    { orderId, paymentIntentId: intent.id, intent, account: account ?? null },
    effects,
  );
}
