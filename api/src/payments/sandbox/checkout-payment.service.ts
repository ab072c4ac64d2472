import type Stripe from 'stripe';
import { chargeFee, currentTerms, recordBalanceTransaction } from './balance';
import { createCheckoutSession, markExpired, type CreateSessionInput } from './checkout.service';
import { invalidRequest } from './errors';
import { AUTOMATIC, emitEvent } from './events';
import { newId, nowSeconds } from './ids';
import {
  buildCharge,
  buildPaymentIntent,
  declinedPayment,
  type PaymentMethodType,
} from './payment.objects';
import { getObject, idOf, insertObject, updateObject, type Queryable, type Stored } from './store';

export type PaymentAttempt =
  | {
      outcome: 'succeeded' | 'failed';
      session: Stripe.Checkout.Session;
      paymentIntent: Stripe.PaymentIntent;
    }
  | { outcome: 'expired'; session: Stripe.Checkout.Session; paymentIntent: null };

/** The session's PaymentIntent: the one an earlier declined attempt created, or a new one. */
async function attemptIntent(
  tx: Queryable,
  session: Stored<'checkout.session'>,
): Promise<{ intent: Stripe.PaymentIntent; isNew: boolean }> {
  if (typeof session.data.payment_intent === 'string') {
    const { data } = await getObject(tx, 'payment_intent', session.data.payment_intent, {
      lock: true,
    });
    return { intent: data, isNew: false };
  }
  const pid = session.internal.payment_intent_data;
  const intent = buildPaymentIntent({
    amount: session.data.amount_total ?? 0,
    currency: session.data.currency ?? 'cny',
    description: pid.description,
    metadata: pid.metadata,
    transferGroup: pid.transfer_group,
    paymentMethodTypes: session.data.payment_method_types,
  });
  return { intent, isNew: true };
}

async function saveIntent(
  tx: Queryable,
  intent: Stripe.PaymentIntent,
  isNew: boolean,
): Promise<void> {
  if (isNew) await insertObject(tx, 'payment_intent', intent.id, intent);
  else await updateObject(tx, 'payment_intent', intent.id, intent);
}

/**
 * What the hosted page's Pay or Fail does, in one transaction. Paying twice is harmless: the second
 * time finds the session complete and changes nothing. A session past its expiry is expired instead.
 */
export async function attemptCheckoutPayment(
  tx: Queryable,
  id: string,
  outcome: 'succeeded' | 'failed',
  method: PaymentMethodType | undefined,
): Promise<PaymentAttempt> {
  const session = await getObject(tx, 'checkout.session', id, { lock: true });
  const { status } = session.data;
  if (status === 'complete') {
    if (outcome === 'failed') throw invalidRequest('This Checkout Session is already paid.');
    const { data: intent } = await getObject(
      tx,
      'payment_intent',
      idOf(session.data.payment_intent),
    );
    return { outcome: 'succeeded', session: session.data, paymentIntent: intent };
  }
  if (status === 'open' && session.data.expires_at <= nowSeconds()) {
    return {
      outcome: 'expired',
      session: await markExpired(tx, session, AUTOMATIC),
      paymentIntent: null,
    };
  }
  if (status !== 'open') return { outcome: 'expired', session: session.data, paymentIntent: null };

  const chosen = method ?? (session.data.payment_method_types[0] as PaymentMethodType);
  if (!session.data.payment_method_types.includes(chosen)) {
    throw invalidRequest(`This Checkout Session does not accept ${chosen}.`, {
      param: 'payment_method',
    });
  }
  const { intent, isNew } = await attemptIntent(tx, session);
  const paymentMethod = newId('pm');

  if (outcome === 'failed') {
    const failed: Stripe.PaymentIntent = {
      ...intent,
      status: 'requires_payment_method',
      last_payment_error: { ...declinedPayment(), payment_method_type: chosen },
    };
    await saveIntent(tx, failed, isNew);
    const open: Stripe.Checkout.Session = { ...session.data, payment_intent: failed.id };
    await updateObject(tx, 'checkout.session', id, open);
    await emitEvent(tx, 'payment_intent.payment_failed', failed, AUTOMATIC);
    return { outcome, session: open, paymentIntent: failed };
  }

  const { charge, paid, complete } = await completePayment(tx, {
    session: session.data,
    intent,
    isNew,
    method: chosen,
    paymentMethod,
  });
  await emitEvent(tx, 'charge.succeeded', charge, AUTOMATIC);
  await emitEvent(tx, 'payment_intent.succeeded', paid, AUTOMATIC);
  await emitEvent(tx, 'checkout.session.completed', complete, AUTOMATIC);
  return { outcome, session: complete, paymentIntent: paid };
}

/**
 * The success of a payment attempt: a charge with its balance transaction (and fee), the intent
 * succeeded, the session complete. `at` (Unix seconds) dates all of it, for a payment of the past.
 */
async function completePayment(
  tx: Queryable,
  input: {
    session: Stripe.Checkout.Session;
    intent: Stripe.PaymentIntent;
    isNew: boolean;
    method: PaymentMethodType;
    paymentMethod: string;
    at?: number;
  },
) {
  const { session, intent, isNew, paymentMethod } = input;
  const chosen = input.method;
  const at = input.at ?? nowSeconds();
  const id = session.id;
  const chargeId = newId('ch');
  const terms = await currentTerms(tx);
  const fee = chargeFee(intent.amount, terms);
  const balanceTransaction = await recordBalanceTransaction(tx, {
    type: 'charge',
    source: chargeId,
    amount: intent.amount,
    currency: intent.currency,
    fee,
    availableOn: at + terms.availableAfterSeconds,
    created: at,
  });
  const charge = buildCharge({
    id: chargeId,
    intent,
    method: chosen,
    paymentMethod,
    balanceTransaction,
    created: at,
  });
  await insertObject(tx, 'charge', charge.id, charge);
  const paid: Stripe.PaymentIntent = {
    ...intent,
    status: 'succeeded',
    amount_received: intent.amount,
    latest_charge: charge.id,
    payment_method: paymentMethod,
    payment_method_types: [chosen],
    last_payment_error: null,
  };
  await saveIntent(tx, paid, isNew);
  const complete: Stripe.Checkout.Session = {
    ...session,
    status: 'complete',
    payment_status: 'paid',
    payment_intent: paid.id,
    customer_details: {
      address: null,
      business_name: null,
      email: session.customer_email,
      individual_name: null,
      name: null,
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    },
    url: null,
  };
  await updateObject(tx, 'checkout.session', id, complete);
  return { charge, paid, complete, balanceTransaction, fee };
}

/** A payment that happened in the past, as Checkout would have recorded it (no events: they were delivered then). */
export interface PastPayment {
  session: CreateSessionInput;
  /** Unix seconds. */
  paidAt: number;
  method: PaymentMethodType;
}

/**
 * Records payments that happened before the sandbox knew of them — the demo's history — each as
 * a Checkout Session created a minute before `paidAt` and paid at `paidAt`, with its charge and
 * balance transaction dated then, so the balance and the balance-transaction list read as if the
 * sandbox had been running all along. No events are emitted: the platform books these itself.
 */
export async function recordPastPayments(
  tx: Queryable,
  payments: PastPayment[],
  publicUrl: string,
) {
  const made = [];
  for (const past of payments) {
    const session = await createCheckoutSession(tx, past.session, publicUrl, past.paidAt - 60);
    const stored = await getObject(tx, 'checkout.session', session.id);
    const pid = stored.internal.payment_intent_data;
    const intent = buildPaymentIntent({
      amount: session.amount_total ?? 0,
      currency: session.currency ?? 'cny',
      description: pid.description,
      metadata: pid.metadata,
      transferGroup: pid.transfer_group,
      paymentMethodTypes: session.payment_method_types,
      created: past.paidAt,
    });
    const done = await completePayment(tx, {
      session,
      intent,
      isNew: true,
      method: past.method,
      paymentMethod: newId('pm'),
      at: past.paidAt,
    });
    made.push({
      checkoutSessionId: session.id,
      paymentIntentId: done.paid.id,
      chargeId: done.charge.id,
      balanceTransactionId: done.balanceTransaction,
      feeFen: done.fee,
      url: session.url ?? '',
      amount: done.charge.amount,
      method: past.method,
    });
  }
  return made;
}
