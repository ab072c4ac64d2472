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

/** How an order is booked: into a slot ahead, or 立即上门 (SPEC §12). */
export const ORDER_MODES = ['slot', 'on_demand'] as const;

/** 360° 服务圈 rings: 核心圈 0–50 m, 服务圈 50–200 m, 保障圈 beyond. */
export const SERVICE_RINGS = ['core', 'service', 'guarantee'] as const;

export const SLA_STEPS = ['accept', 'arrive'] as const;

/** What an order event records besides status changes. */
export const ORDER_EVENT_KINDS = ['status', 'assign', 'arrive', 'sla_breach'] as const;
