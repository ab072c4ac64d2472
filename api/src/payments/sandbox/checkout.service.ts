import type pg from 'pg';
import type Stripe from 'stripe';
import { invalidRequest } from './errors';
import { assertChargeable } from './money';
import { AUTOMATIC, emitEvent, type RequestInfo } from './events';
import { nowSeconds, randomToken } from './ids';
import { buildLineItem, type PaymentMethodType, type PriceInput } from './payment.objects';
import {
  getObject,
  insertObject,
  transaction,
  updateObject,
  type Queryable,
  type Stored,
} from './store';

export interface CreateSessionInput {
  line_items: { quantity: number; price_data: PriceInput }[];
  allowed_payment_method_types?: PaymentMethodType[] | undefined;
  payment_method_types?: PaymentMethodType[] | undefined;
  success_url: string;
  cancel_url?: string | undefined;
  metadata?: Stripe.Metadata | undefined;
  client_reference_id?: string | undefined;
  customer_email?: string | undefined;
  expires_at?: number | undefined;
  locale?: Stripe.Checkout.Session.Locale | undefined;
  payment_intent_data?:
    | {
        transfer_group?: string | undefined;
        metadata?: Stripe.Metadata | undefined;
        description?: string | undefined;
      }
    | undefined;
}

/** Stripe's bounds on `expires_at`: a session lives between 30 minutes and 24 hours. */
const MIN_LIFETIME_S = 30 * 60;
const MAX_LIFETIME_S = 24 * 60 * 60;

export async function createCheckoutSession(
  tx: Queryable,
  input: CreateSessionInput,
  publicUrl: string,
  /** Unix seconds; now unless a past payment is being recorded. */
  at?: number,
): Promise<Stripe.Checkout.Session> {
  const created = at ?? nowSeconds();
  const expiresAt = input.expires_at ?? created + MAX_LIFETIME_S;
  if (expiresAt < created + MIN_LIFETIME_S) {
    throw invalidRequest(
      'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.',
      { code: 'parameter_invalid_integer', param: 'expires_at' },
    );
  }
  if (expiresAt > created + MAX_LIFETIME_S) {
    throw invalidRequest(
      'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.',
      { code: 'parameter_invalid_integer', param: 'expires_at' },
    );
  }
  if (input.allowed_payment_method_types && input.payment_method_types) {
    throw invalidRequest(
      'You may only specify one of these parameters: allowed_payment_method_types, payment_method_types.',
      { param: 'payment_method_types' },
    );
  }
  const lineItems = input.line_items.map((li) => buildLineItem(li.price_data, li.quantity));
  const currency = lineItems[0]!.currency;
  if (lineItems.some((li) => li.currency !== currency)) {
    throw invalidRequest('All line items must use the same currency.', { param: 'line_items' });
  }
  const amount = lineItems.reduce((sum, li) => sum + li.amount_total, 0);
  assertChargeable(amount, currency);
  const id = `cs_test_${randomToken(58)}`;
  const session: Stripe.Checkout.Session = {
    id,
    object: 'checkout.session',
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: input.allowed_payment_method_types ?? null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: input.cancel_url ?? null,
    client_reference_id: input.client_reference_id ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: null,
    customer_account: null,
    customer_creation: 'if_required',
    customer_details: null,
    customer_email: input.customer_email ?? null,
    discounts: [],
    expires_at: expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: input.locale ?? null,
    managed_payments: null,
    metadata: input.metadata ?? {},
    mode: 'payment',
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'if_required',
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: input.allowed_payment_method_types ??
      input.payment_method_types ?? ['card'],
    payment_status: 'unpaid',
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: input.success_url,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted_page',
    url: `${publicUrl}/c/pay/${id}`,
    wallet_options: null,
  };
  await insertObject(tx, 'checkout.session', id, session, {
    line_items: lineItems,
    payment_intent_data: {
      transfer_group: input.payment_intent_data?.transfer_group ?? null,
      metadata: input.payment_intent_data?.metadata ?? {},
      description: input.payment_intent_data?.description ?? null,
    },
  });
  return session;
}

async function cancelIntent(tx: Queryable, intentId: string, request: RequestInfo): Promise<void> {
  const { data: intent } = await getObject(tx, 'payment_intent', intentId, { lock: true });
  if (intent.status === 'succeeded' || intent.status === 'canceled') return;
  const canceled: Stripe.PaymentIntent = {
    ...intent,
    status: 'canceled',
    canceled_at: nowSeconds(),
    cancellation_reason: 'abandoned',
  };
  await updateObject(tx, 'payment_intent', intentId, canceled);
  await emitEvent(tx, 'payment_intent.canceled', canceled, request);
}

/** Closes an open session for good, cancelling the PaymentIntent of any declined attempt. */
export async function markExpired(
  tx: Queryable,
  session: Stored<'checkout.session'>,
  request: RequestInfo,
): Promise<Stripe.Checkout.Session> {
  const expired: Stripe.Checkout.Session = { ...session.data, status: 'expired', url: null };
  await updateObject(tx, 'checkout.session', session.id, expired);
  if (typeof expired.payment_intent === 'string')
    await cancelIntent(tx, expired.payment_intent, request);
  await emitEvent(tx, 'checkout.session.expired', expired, request);
  return expired;
}

export async function expireCheckoutSession(
  tx: Queryable,
  id: string,
  request: RequestInfo,
): Promise<Stripe.Checkout.Session> {
  const session = await getObject(tx, 'checkout.session', id, { lock: true });
  if (session.data.status !== 'open') {
    throw invalidRequest(
      `This Checkout Session is ${session.data.status}; only open sessions can be expired.`,
      { code: 'checkout_session_not_open' },
    );
  }
  return markExpired(tx, session, request);
}

/** Expires open sessions past their `expires_at`, as Stripe does on its own; returns how many. */
export async function expireDueSessions(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM stripe_sandbox.objects
      WHERE type = 'checkout.session' AND data->>'status' = 'open'
        AND (data->>'expires_at')::bigint <= $1`,
    [nowSeconds()],
  );
  for (const { id } of rows) {
    await transaction(pool, async (tx) => {
      const session = await getObject(tx, 'checkout.session', id, { lock: true });
      if (session.data.status === 'open') await markExpired(tx, session, AUTOMATIC);
    });
  }
  return rows.length;
}
