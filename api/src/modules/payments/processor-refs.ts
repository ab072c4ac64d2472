import type Stripe from 'stripe';
import { z } from 'zod';
import type { ProcessorMoney } from '../ledger/processor-cash';

const uuid = z.string().uuid();

/**
 * Our id carried by a Stripe object (`metadata.order_id`, `client_reference_id`, …). Events about
 * objects we did not create carry none, or something else: those are only stored.
 */
export function ourId(...candidates: (string | null | undefined)[]): string | null {
  for (const candidate of candidates) {
    if (uuid.safeParse(candidate).success) return candidate!;
  }
  return null;
}

/** The id of a Stripe field that is an id, or the object when expanded. */
export function idOf(field: string | { id: string } | null | undefined): string | null {
  if (!field) return null;
  return typeof field === 'string' ? field : field.id;
}

/**
 * A balance transaction the ledger books, when the processor's answer carried it expanded.
 * An id alone says nothing of the fee, so it counts as not known.
 */
export function processorMoneyOf(
  field: string | Stripe.BalanceTransaction | null | undefined,
): ProcessorMoney | null {
  if (!field || typeof field === 'string') return null;
  return { balanceTransactionId: field.id, feeFen: field.fee };
}

/** The money a PaymentIntent brought in: its charge's balance transaction (expanded). */
export function chargeMoneyOf(intent: Stripe.PaymentIntent): ProcessorMoney | null {
  const charge = intent.latest_charge;
  return charge && typeof charge !== 'string' ? processorMoneyOf(charge.balance_transaction) : null;
}

/** Retrieve a PaymentIntent with what the ledger needs to book it (the charge's fee). */
export const PAYMENT_EXPAND = ['latest_charge.balance_transaction'];
