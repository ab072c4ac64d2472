import type Stripe from 'stripe';
import { z } from 'zod';
import { closeDispute, openDispute } from './disputes.service';
import { invalidRequest } from './errors';
import { AUTOMATIC } from './events';
import { createRefund } from './refunds.service';
import { getObject, idOf, listObjects, type Queryable } from './store';
import { createTransferReversal } from './transfers.service';

/** What the test page shows of a payment: its charge, and what moved around it. */
export interface PaymentUnderTest {
  intent: Stripe.PaymentIntent;
  charge: Stripe.Charge | null;
  refunds: Stripe.Refund[];
  disputes: Stripe.Dispute[];
  /** Transfers a tester may reverse: funded by this charge, then the platform's latest. */
  transfers: Stripe.Transfer[];
}

const page = { limit: 20 };

/** The payment a test page is for, named by its PaymentIntent or its charge. */
export async function paymentUnderTest(db: Queryable, id: string): Promise<PaymentUnderTest> {
  const intentId = id.startsWith('ch_')
    ? idOf((await getObject(db, 'charge', id)).data.payment_intent)
    : id;
  const { data: intent } = await getObject(db, 'payment_intent', intentId);
  const chargeId = intent.latest_charge ? idOf(intent.latest_charge) : null;
  const charge = chargeId ? (await getObject(db, 'charge', chargeId)).data : null;
  if (!charge) return { intent, charge, refunds: [], disputes: [], transfers: [] };
  // One after another: inside a transaction they share one connection.
  const refunds = await listObjects(db, 'refund', { charge: charge.id }, page, '');
  const disputes = await listObjects(db, 'dispute', { charge: charge.id }, page, '');
  const funded = await listObjects(db, 'transfer', { source_transaction: charge.id }, page, '');
  const latest = await listObjects(db, 'transfer', {}, { limit: 5 }, '');
  const transfers = [...funded.data];
  for (const t of latest.data) if (!transfers.some((f) => f.id === t.id)) transfers.push(t);
  return { intent, charge, refunds: refunds.data, disputes: disputes.data, transfers };
}

/** `12.30` (元, as a person types it) → 1230 fen; empty means the whole amount. */
const yuan = z
  .string()
  .trim()
  .regex(
    /^(\d{1,9}(\.\d{1,2})?)?$/,
    '金额请填写元，最多两位小数 · Amount in yuan, two decimals at most',
  )
  .transform((text) => {
    if (!text) return undefined;
    const [whole, part = ''] = text.split('.');
    return Number(whole) * 100 + Number(part.padEnd(2, '0'));
  });

export const testActionParams = z.discriminatedUnion('action', [
  z.object({ action: z.literal('refund'), amount: yuan.optional() }),
  z.object({ action: z.literal('dispute'), amount: yuan.optional() }),
  z.object({ action: z.enum(['dispute_won', 'dispute_lost']), dispute: z.string().min(1) }),
  z.object({ action: z.literal('reverse'), transfer: z.string().min(1), amount: yuan.optional() }),
]);
export type TestAction = z.output<typeof testActionParams>;

/**
 * What only the outside world does at Stripe, done to one payment from the test page: a refund
 * in the Dashboard, a chargeback opened and decided by the card network, a payout reversed. Each
 * carries no request, as Dashboard and network actions do, and sends its events.
 */
export async function runTestAction(
  tx: Queryable,
  payment: PaymentUnderTest,
  action: TestAction,
): Promise<void> {
  const charge = payment.charge;
  if (!charge) throw invalidRequest('这笔付款还没有成功扣款 · This payment has no charge yet.');
  switch (action.action) {
    case 'refund':
      await createRefund(tx, { charge: charge.id, amount: action.amount }, AUTOMATIC);
      return;
    case 'dispute':
      await openDispute(tx, charge.id, { amount: action.amount }, AUTOMATIC);
      return;
    case 'dispute_won':
    case 'dispute_lost': {
      if (!payment.disputes.some((d) => d.id === action.dispute)) {
        throw invalidRequest('这不是该笔付款的争议 · That dispute is not about this payment.');
      }
      await closeDispute(
        tx,
        action.dispute,
        action.action === 'dispute_won' ? 'won' : 'lost',
        AUTOMATIC,
      );
      return;
    }
    case 'reverse':
      if (!payment.transfers.some((t) => t.id === action.transfer)) {
        throw invalidRequest('该转账不在此页面上 · That transfer is not on this page.');
      }
      await createTransferReversal(tx, action.transfer, { amount: action.amount }, AUTOMATIC);
      return;
  }
}
