/**
 * The values of the order enums, without any import: the database enums are made from them and
 * the apps' bundles can share them, so the lists exist once.
 */

/** SPEC §3. `settled` is reached when a statement takes the order. */
export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'expired',
  'accepted',
  'rejected',
  'cancelled',
  'in_service',
  'completed',
  'confirmed',
  'disputed',
  'refunded',
  'settled',
] as const;

export const ORDER_ACTOR_KINDS = ['resident', 'merchant', 'property_ops', 'system'] as const;
