/**
 * The order state machine of SPEC §3 as data: for every action, the states it may start from,
 * the state it leads to, and who may take it. `transitionOrder` is the only code that applies it.
 */
import { type ORDER_ACTOR_KINDS, ORDER_STATUSES } from '@cgp/db/order-values';

export { ORDER_STATUSES };
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type ActorKind = (typeof ORDER_ACTOR_KINDS)[number];

/** How much goes back to the resident when the action happens. */
export type RefundRule = 'none' | 'full' | 'policy' | 'resolution';

export interface ActionRule {
  from: readonly OrderStatus[];
  to: OrderStatus;
  by: ActorKind;
  releasesCapacity: boolean;
  refund: RefundRule;
}

const rule = (
  from: readonly OrderStatus[],
  to: OrderStatus,
  by: ActorKind,
  extra: Partial<Pick<ActionRule, 'releasesCapacity' | 'refund'>> = {},
): ActionRule => ({ from, to, by, releasesCapacity: false, refund: 'none', ...extra });

export const ORDER_ACTIONS = {
  /** The verified payment webhook (payments issue) — the only way into `paid`. */
  pay: rule(['pending_payment'], 'paid', 'system'),
  expire: rule(['pending_payment'], 'expired', 'system', { releasesCapacity: true }),
  accept: rule(['paid'], 'accepted', 'merchant'),
  reject: rule(['paid'], 'rejected', 'merchant', { releasesCapacity: true, refund: 'full' }),
  slaReject: rule(['paid'], 'rejected', 'system', { releasesCapacity: true, refund: 'full' }),
  cancel: rule(['paid', 'accepted'], 'cancelled', 'resident', {
    releasesCapacity: true,
    refund: 'policy',
  }),
  merchantCancel: rule(['accepted'], 'cancelled', 'merchant', {
    releasesCapacity: true,
    refund: 'full',
  }),
  start: rule(['accepted'], 'in_service', 'merchant'),
  complete: rule(['in_service'], 'completed', 'merchant'),
  confirm: rule(['completed'], 'confirmed', 'resident'),
  autoConfirm: rule(['completed'], 'confirmed', 'system'),
  dispute: rule(['completed'], 'disputed', 'resident'),
  /** A complaint heard on a callback, while the order can still be disputed. */
  opsDispute: rule(['completed'], 'disputed', 'property_ops'),
  resolveConfirm: rule(['disputed'], 'confirmed', 'property_ops'),
  resolveRefund: rule(['disputed'], 'refunded', 'property_ops', { refund: 'resolution' }),
  /**
   * A settlement run puts the order in a statement. `buildStatements` applies it set-based, for
   * every eligible order at once, taking its states and actor from this rule.
   */
  settle: rule(['confirmed'], 'settled', 'system'),
} as const satisfies Record<string, ActionRule>;

export type OrderAction = keyof typeof ORDER_ACTIONS;
export const ORDER_ACTION_NAMES = Object.keys(ORDER_ACTIONS) as OrderAction[];

/** States after which nothing more happens to the order's money or capacity. */
export const CLOSED_STATUSES: readonly OrderStatus[] = [
  'expired',
  'rejected',
  'cancelled',
  'refunded',
];

/**
 * The resident's order list tabs (SPEC §7): 待支付, 进行中 (paid until the resident confirms),
 * 待评价 (done and not yet rated) and 退款售后 (disputes and anything refunded).
 */
export const ORDER_TABS = ['pending_payment', 'in_progress', 'to_review', 'after_sales'] as const;
export type OrderTab = (typeof ORDER_TABS)[number];

export const TAB_STATUSES = {
  pending_payment: ['pending_payment'],
  in_progress: ['paid', 'accepted', 'in_service', 'completed'],
  to_review: ['confirmed', 'settled'],
  after_sales: ['disputed', 'refunded'],
} as const satisfies Record<OrderTab, readonly OrderStatus[]>;
