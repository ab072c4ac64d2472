import type Stripe from 'stripe';
import { recordBalanceTransaction } from './balance';
import { invalidRequest } from './errors';
import { emitEvent, type RequestInfo } from './events';
import { newId, nowSeconds } from './ids';
import { formatYuan } from './money';
import { getObject, insertObject, updateObject, type Queryable } from './store';

export interface CreateRefundInput {
  payment_intent?: string | undefined;
  charge?: string | undefined;
  amount?: number | undefined;
  metadata?: Stripe.Metadata | undefined;
  reason?: Stripe.RefundCreateParams.Reason | undefined;
}

async function chargeToRefund(tx: Queryable, input: CreateRefundInput): Promise<string> {
  if (input.charge) return input.charge;
  if (!input.payment_intent) {
    throw invalidRequest('One of `charge` or `payment_intent` is required.', {
      code: 'parameter_missing',
      param: 'payment_intent',
    });
  }
  const { data: intent } = await getObject(tx, 'payment_intent', input.payment_intent, {
    param: 'payment_intent',
  });
  if (intent.status !== 'succeeded' || typeof intent.latest_charge !== 'string') {
    throw invalidRequest(
      `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`,
      { code: 'charge_not_refundable', param: 'payment_intent' },
    );
  }
  return intent.latest_charge;
}

/**
 * Stripe refuses to refund a charge whose dispute is open or lost (`is_charge_refundable` false):
 * the card network holds that money. A dispute won gives the charge back to refund.
 */
async function refuseWhileDisputed(tx: Queryable, chargeId: string): Promise<void> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM stripe_sandbox.objects
      WHERE type = 'dispute' AND data->>'charge' = $1 AND data->>'status' <> 'won'
        AND (data->>'is_charge_refundable')::boolean IS NOT TRUE`,
    [chargeId],
  );
  if (rows.length) {
    throw invalidRequest(`Charge ${chargeId} has been charged back; cannot issue a refund.`, {
      code: 'charge_disputed',
    });
  }
}

/**
 * Refunds part or all of what is left on a charge. The charge row is locked for the whole
 * transaction, so concurrent refunds queue up and together never exceed the amount charged.
 */
export async function createRefund(
  tx: Queryable,
  input: CreateRefundInput,
  request: RequestInfo,
): Promise<Stripe.Refund> {
  const chargeId = await chargeToRefund(tx, input);
  const { data: charge } = await getObject(tx, 'charge', chargeId, { lock: true, param: 'charge' });
  if (input.payment_intent && charge.payment_intent !== input.payment_intent) {
    throw invalidRequest(
      `Charge ${charge.id} does not belong to PaymentIntent ${input.payment_intent}.`,
      {
        param: 'charge',
      },
    );
  }
  if (charge.disputed) await refuseWhileDisputed(tx, charge.id);
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, {
      code: 'charge_already_refunded',
    });
  }
  const amount = input.amount ?? remaining;
  if (amount < 1) {
    throw invalidRequest('Refund amount must be at least 1.', {
      code: 'parameter_invalid_integer',
      param: 'amount',
    });
  }
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${formatYuan(amount)}) is greater than unrefunded amount on charge (${formatYuan(remaining)})`,
      { code: 'amount_too_large', param: 'amount' },
    );
  }

  const id = newId('re');
  const balanceTransaction = await recordBalanceTransaction(tx, {
    type: 'refund',
    source: id,
    amount: -amount,
    currency: charge.currency,
  });
  const refund: Stripe.Refund = {
    id,
    object: 'refund',
    amount,
    balance_transaction: balanceTransaction,
    charge: charge.id,
    created: nowSeconds(),
    currency: charge.currency,
    customer: null,
    customer_account: null,
    metadata: input.metadata ?? {},
    payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    payment_method: null,
    reason: input.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  await insertObject(tx, 'refund', id, refund);

  const refunded: Stripe.Charge = {
    ...charge,
    amount_refunded: charge.amount_refunded + amount,
    refunded: charge.amount_refunded + amount === charge.amount,
  };
  await updateObject(tx, 'charge', charge.id, refunded);
  await emitEvent(tx, 'refund.created', refund, request);
  await emitEvent(tx, 'charge.refunded', refunded, request, {
    amount_refunded: charge.amount_refunded,
    refunded: charge.refunded,
  });
  return refund;
}

/**
 * What happens when the card network sends a refund back days after it succeeded (a closed card
 * account): the refund becomes `failed`, the money returns to the platform's balance (a
 * `refund_failure` balance transaction, named by `failure_balance_transaction`), the charge can
 * be refunded again, and `refund.updated`, `refund.failed` and `charge.refund.updated` are sent.
 */
export async function failRefundAfterSuccess(
  tx: Queryable,
  refundId: string,
  request: RequestInfo,
): Promise<Stripe.Refund> {
  const { data: refund } = await getObject(tx, 'refund', refundId, { lock: true });
  if (refund.status !== 'succeeded') {
    throw invalidRequest(
      `Only a succeeded refund can fail afterwards; ${refund.id} is ${refund.status}.`,
    );
  }
  const chargeId = typeof refund.charge === 'string' ? refund.charge : refund.charge!.id;
  const { data: charge } = await getObject(tx, 'charge', chargeId, { lock: true });
  const failureTxn = await recordBalanceTransaction(tx, {
    type: 'refund_failure',
    source: refund.id,
    amount: refund.amount,
    currency: refund.currency,
    description: `REFUND FOR CHARGE (failed) ${chargeId}`,
  });
  const failed: Stripe.Refund = {
    ...refund,
    status: 'failed',
    failure_reason: 'expired_or_canceled_card',
    failure_balance_transaction: failureTxn,
  };
  await updateObject(tx, 'refund', refund.id, failed);
  await updateObject(tx, 'charge', charge.id, {
    ...charge,
    amount_refunded: charge.amount_refunded - refund.amount,
    refunded: false,
  });
  await emitEvent(tx, 'refund.updated', failed, request, { status: 'succeeded' });
  await emitEvent(tx, 'refund.failed', failed, request);
  await emitEvent(tx, 'charge.refund.updated', failed, request, { status: 'succeeded' });
  return failed;
}
