/**
 * The values of the database enums other than the order's (see order-values.ts), without any
 * import: the schema makes its pgEnums from them, and the apps' label table is checked against
 * them, so a new value cannot reach a screen without a word for it.
 */

export const USER_ROLES = [
  'resident',
  'merchant_staff',
  'property_auditor',
  'property_ops',
  // The operator of the whole deployment (job queues, processor-wide reconciliation); it belongs
  // to nothing and sees no resident's personal data.
  'platform_admin',
] as const;
export const MERCHANT_STAFF_ROLES = ['owner', 'staff'] as const;
export const SERVICE_CATEGORIES = ['housekeeping', 'meal_delivery', 'temporary_care'] as const;
export const MERCHANT_STATUSES = ['pending', 'approved', 'suspended'] as const;
export const PRICING_UNITS = ['per_visit', 'per_hour', 'per_meal'] as const;
/**
 * `processor_fee`: what the processor kept of a charge or a dispute (its balance transaction's fee);
 * `dispute`: money a chargeback holds, returns or takes; `transfer_reversal`: a payout the
 * processor took back from the merchant's account.
 */
export const JOURNAL_KINDS = [
  'payment',
  'earning',
  'refund',
  'payout',
  'processor_fee',
  'dispute',
  'transfer_reversal',
] as const;
/**
 * Two-phase postings, as TigerBeetle's transfers: `single` is final when written; `pending` reserves
 * money that must still move at the processor; `post` and `void` are later entries that name the
 * pending one and confirm it or give the reservation back.
 */
export const ENTRY_PHASES = ['single', 'pending', 'post', 'void'] as const;
export const PAYMENT_STATUSES = ['open', 'succeeded', 'failed', 'expired'] as const;
export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export const STATEMENT_STATUSES = [
  'pending', // built; payout queued
  'paid', // transfer created and posted
  'failed', // transfer failed after the last attempt; ops may retry
  'carried', // nothing to pay (zero or negative balance); carried into the next statement
] as const;
