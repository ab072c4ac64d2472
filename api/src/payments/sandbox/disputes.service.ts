import type Stripe from 'stripe';
import { balanceTransactionsOf, currentTerms, recordBalanceTransaction } from './balance';
import { invalidRequest } from './errors';
import { emitEvent, type RequestInfo } from './events';
import { newId, nowSeconds } from './ids';
import { formatYuan } from './money';
import { getObject, idOf, insertObject, updateObject, type Queryable } from './store';

const NO_EVIDENCE: Stripe.Dispute.Evidence = {
  access_activity_log: null,
  billing_address: null,
  cancellation_policy: null,
  cancellation_policy_disclosure: null,
  cancellation_rebuttal: null,
  customer_communication: null,
  customer_email_address: null,
  customer_name: null,
  customer_purchase_ip: null,
  customer_signature: null,
  duplicate_charge_documentation: null,
  duplicate_charge_explanation: null,
  duplicate_charge_id: null,
  enhanced_evidence: {},
  product_description: null,
  receipt: null,
  refund_policy: null,
  refund_policy_disclosure: null,
  refund_refusal_explanation: null,
  service_date: null,
  service_documentation: null,
  shipping_address: null,
  shipping_carrier: null,
  shipping_date: null,
  shipping_documentation: null,
  shipping_tracking_number: null,
  uncategorized_file: null,
  uncategorized_text: null,
};

/**
 * A chargeback, as a card network would open one: the disputed amount and the dispute fee leave
 * the platform balance at once (one `adjustment` line), and `charge.dispute.created` is sent.
 */
export async function openDispute(
  tx: Queryable,
  chargeId: string,
  input: { amount?: number | undefined; reason?: string | undefined },
  request: RequestInfo,
): Promise<Stripe.Dispute> {
  const { data: charge } = await getObject(tx, 'charge', chargeId, { lock: true, param: 'charge' });
  if (charge.disputed) {
    throw invalidRequest(`Charge ${charge.id} is already disputed.`, {
      code: 'charge_disputed',
      param: 'charge',
    });
  }
  const disputable = charge.amount - charge.amount_refunded;
  const amount = input.amount ?? disputable;
  if (amount < 1 || amount > disputable) {
    throw invalidRequest(
      `A dispute can be for at most what is left on the charge (${formatYuan(disputable)}).`,
      { code: 'amount_too_large', param: 'amount' },
    );
  }
  const id = newId('du');
  const terms = await currentTerms(tx);
  await recordBalanceTransaction(tx, {
    type: 'adjustment',
    source: id,
    amount: -amount,
    fee: terms.disputeFeeFen,
    currency: charge.currency,
    reportingCategory: 'dispute',
    description: `Chargeback withdrawal for ${charge.id}`,
  });
  const created = nowSeconds();
  const dispute: Stripe.Dispute = {
    id,
    object: 'dispute',
    amount,
    balance_transactions: await balanceTransactionsOf(tx, id),
    charge: charge.id,
    created,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: NO_EVIDENCE,
    evidence_details: {
      due_by: created + 7 * 24 * 3600,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    reason: input.reason ?? 'fraudulent',
    status: 'needs_response',
  };
  await insertObject(tx, 'dispute', id, dispute);
  await updateObject(tx, 'charge', charge.id, { ...charge, disputed: true });
  await emitEvent(tx, 'charge.dispute.created', dispute, request);
  await emitEvent(tx, 'charge.dispute.funds_withdrawn', dispute, request);
  return dispute;
}

/**
 * Ends a dispute. Won: the disputed amount comes back (the fee does not), with
 * `charge.dispute.funds_reinstated`; lost: the money stays gone. Either way `charge.dispute.closed`.
 */
export async function closeDispute(
  tx: Queryable,
  disputeId: string,
  outcome: 'won' | 'lost',
  request: RequestInfo,
): Promise<Stripe.Dispute> {
  const { data: dispute } = await getObject(tx, 'dispute', disputeId, { lock: true });
  if (dispute.status === 'won' || dispute.status === 'lost') {
    throw invalidRequest(`Dispute ${dispute.id} is already closed (${dispute.status}).`, {
      code: 'dispute_already_closed',
    });
  }
  if (outcome === 'won') {
    await recordBalanceTransaction(tx, {
      type: 'adjustment',
      source: dispute.id,
      amount: dispute.amount,
      currency: dispute.currency,
      reportingCategory: 'dispute_reversal',
      description: `Chargeback reversal for ${idOf(dispute.charge)}`,
    });
  }
  const closed: Stripe.Dispute = {
    ...dispute,
    status: outcome,
    balance_transactions: await balanceTransactionsOf(tx, dispute.id),
  };
  await updateObject(tx, 'dispute', dispute.id, closed);
  if (outcome === 'won') await emitEvent(tx, 'charge.dispute.funds_reinstated', closed, request);
  await emitEvent(tx, 'charge.dispute.closed', closed, request, { status: dispute.status });
  return closed;
}
