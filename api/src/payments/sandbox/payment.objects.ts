import Stripe from 'stripe';
import { newId, nowSeconds, randomToken } from './ids';

export const PAYMENT_METHOD_TYPES = ['card', 'alipay', 'wechat_pay'] as const;
export type PaymentMethodType = (typeof PAYMENT_METHOD_TYPES)[number];

export interface PaymentIntentInput {
  amount: number;
  currency: string;
  description: string | null;
  metadata: Stripe.Metadata;
  transferGroup: string | null;
  paymentMethodTypes: string[];
  /** Unix seconds; now unless a past payment is being recorded. */
  created?: number;
}

/** A PaymentIntent as Checkout creates it on the first payment attempt, before the outcome is known. */
export function buildPaymentIntent(input: PaymentIntentInput): Stripe.PaymentIntent {
  const id = newId('pi');
  return {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: input.amount,
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: `${id}_secret_${randomToken(24)}`,
    confirmation_method: 'automatic',
    created: input.created ?? nowSeconds(),
    currency: input.currency,
    customer: null,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: input.paymentMethodTypes,
    payment_record: null,
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_group: input.transferGroup,
  };
}

function paymentMethodDetails(type: PaymentMethodType): Stripe.Charge.PaymentMethodDetails {
  if (type === 'card') {
    return {
      type,
      card: {
        amount_authorized: null,
        authorization_code: null,
        brand: 'unionpay',
        checks: null,
        country: 'CN',
        electronic_commerce_indicator: null,
        exp_month: 12,
        exp_year: new Date().getUTCFullYear() + 3,
        funding: 'debit',
        installments: null,
        last4: '0005',
        mandate: null,
        network: 'unionpay',
        network_transaction_id: null,
        regulated_status: null,
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
    };
  }
  const wallet = { fingerprint: null, transaction_id: randomToken(28) };
  return type === 'alipay' ? { type, alipay: wallet } : { type, wechat_pay: wallet };
}

/** The successful charge behind a PaymentIntent; `balanceTransaction` is its ledger line. */
export function buildCharge(input: {
  id: string;
  intent: Stripe.PaymentIntent;
  method: PaymentMethodType;
  paymentMethod: string;
  balanceTransaction: string;
  created?: number;
}): Stripe.Charge {
  const { intent, method, paymentMethod, balanceTransaction } = input;
  return {
    id: input.id,
    object: 'charge',
    amount: intent.amount,
    amount_captured: intent.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: balanceTransaction,
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: 'CGP SANDBOX',
    captured: true,
    created: input.created ?? nowSeconds(),
    currency: intent.currency,
    customer: null,
    description: intent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: intent.metadata,
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    paid: true,
    payment_intent: intent.id,
    payment_method: paymentMethod,
    payment_method_details: paymentMethodDetails(method),
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: intent.transfer_group,
  };
}

/** The declined attempt Checkout records when a payment fails; the session stays open for another. */
export function declinedPayment(): Stripe.PaymentIntent.LastPaymentError {
  return {
    type: 'card_error',
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined. (payment sandbox: Fail was chosen)',
  };
}

export interface PriceInput {
  currency: string;
  unit_amount: number;
  product_data: { name: string; description?: string | undefined };
}

/** Checkout turns each `price_data` into an inactive ad-hoc Price and a line item that names it. */
export function buildLineItem(price: PriceInput, quantity: number): Stripe.LineItem {
  const created = nowSeconds();
  const total = price.unit_amount * quantity;
  return {
    id: newId('li'),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: total,
    amount_tax: 0,
    amount_total: total,
    currency: price.currency,
    description: price.product_data.name,
    metadata: {},
    price: {
      id: newId('price'),
      object: 'price',
      active: false,
      billing_scheme: 'per_unit',
      created,
      currency: price.currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: null,
      metadata: {},
      nickname: null,
      product: newId('prod', 14),
      recurring: null,
      tax_behavior: 'unspecified',
      tiers_mode: null,
      transform_quantity: null,
      type: 'one_time',
      unit_amount: price.unit_amount,
      unit_amount_decimal: Stripe.Decimal.from(price.unit_amount),
    },
    quantity,
  };
}
