import type { OrderStatus } from '@cgp/api/client';

export type TagTone = 'primary' | 'success' | 'warning' | 'danger' | 'default';

/**
 * Colour of each status chip: orange where the resident has something to do, blue while the
 * order is under way, green when it ended well, grey when it ended otherwise.
 */
export const statusTones = {
  pending_payment: 'warning',
  paid: 'primary',
  expired: 'default',
  accepted: 'primary',
  rejected: 'default',
  cancelled: 'default',
  in_service: 'primary',
  completed: 'warning',
  confirmed: 'success',
  disputed: 'danger',
  refunded: 'default',
  settled: 'success',
} as const satisfies Record<OrderStatus, TagTone>;

export interface TimelineEvent {
  /** `status` for a state change (the default); `assign`, `arrive` for steps within one. */
  kind?: 'status' | 'assign' | 'arrive' | 'sla_breach';
  actorKind: 'resident' | 'merchant' | 'property_ops' | 'system';
  to: OrderStatus;
  reason: string | null;
}

/** The i18n key saying what happened at one step of the timeline, from the resident's side. */
export function timelineKey(event: TimelineEvent): string {
  if (event.kind === 'assign') return 'timeline.assigned';
  if (event.kind === 'arrive') return 'timeline.arrived';
  switch (event.to) {
    case 'rejected':
      return event.actorKind === 'system' ? 'timeline.slaRejected' : 'timeline.rejected';
    case 'cancelled':
      return event.actorKind === 'merchant' ? 'timeline.merchantCancelled' : 'timeline.cancelled';
    case 'confirmed':
      if (event.actorKind === 'system') return 'timeline.autoConfirmed';
      return event.actorKind === 'property_ops'
        ? 'timeline.resolvedConfirmed'
        : 'timeline.confirmed';
    default:
      return `timeline.${event.to}`;
  }
}

/**
 * Reasons a person wrote for the resident (why they cancelled, refused, complained) are shown;
 * notes the system or property operations keep for themselves are not (the server leaves them out
 * of the resident's timeline too).
 */
const WRITTEN_REASONS: readonly OrderStatus[] = ['cancelled', 'rejected', 'disputed'];

export function shownReason(event: TimelineEvent): string | null {
  if (!event.reason || event.actorKind === 'system' || event.actorKind === 'property_ops') {
    return null;
  }
  return WRITTEN_REASONS.includes(event.to) ? event.reason : null;
}

export type OrderAction = 'pay' | 'cancel' | 'dispute' | 'confirm';

/** What the resident may do with an order now, in the order the buttons appear. */
export function availableActions(
  order: {
    status: OrderStatus;
    paymentDueAt: string | null;
    cancelPreview: unknown;
    /** Only the booker pays: the household a family member booked for follows the order. */
    canPay: boolean;
    canConfirm: boolean;
    canDispute: boolean;
  },
  now: Date = new Date(),
): OrderAction[] {
  const actions: OrderAction[] = [];
  if (
    order.canPay &&
    order.status === 'pending_payment' &&
    (!order.paymentDueAt || Date.parse(order.paymentDueAt) > now.getTime())
  ) {
    actions.push('pay');
  }
  if (order.cancelPreview) actions.push('cancel');
  if (order.canDispute) actions.push('dispute');
  if (order.canConfirm) actions.push('confirm');
  return actions;
}

/**
 * How long the return page from checkout says "确认中" before it admits the payment has not
 * arrived. Webhooks normally land within seconds.
 */
export const PAYMENT_CONFIRM_TIMEOUT_MS = 30_000;

export type PaymentWait = 'confirming' | 'slow' | null;

/**
 * What the page the resident returns to from checkout shows: while the order still awaits
 * payment it is confirming, and after `PAYMENT_CONFIRM_TIMEOUT_MS` it is slow (pay again, or
 * keep waiting).
 */
export function paymentWait(status: OrderStatus | undefined, timedOut: boolean): PaymentWait {
  if (status !== 'pending_payment') return null;
  return timedOut ? 'slow' : 'confirming';
}

/** How often to ask for the order while waiting for the payment webhook. */
export function paymentPollMs(wait: PaymentWait): number | false {
  if (wait === 'confirming') return 1_500;
  // A late webhook still turns the page green, without hammering the API.
  if (wait === 'slow') return 5_000;
  return false;
}

/** Where an order's refund stands for the resident: on its way, back with them, or refused. */
export type RefundState = 'pending' | 'done' | 'failed';

/**
 * The order's refunds as one state. A refund the processor refused wins (the money has not gone
 * back, whatever else did), then one still on its way; `null` when nothing is being refunded.
 */
export function refundState(refunds: readonly { status: string }[]): RefundState | null {
  const statuses = new Set(refunds.map((r) => r.status));
  if (statuses.has('failed')) return 'failed';
  if (statuses.has('pending')) return 'pending';
  return statuses.has('succeeded') ? 'done' : null;
}
