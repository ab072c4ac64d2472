import type { OrderStatus, RouterInputs, RouterOutputs } from '@cgp/api/client';

export type OrderPage = RouterOutputs['merchant']['orders']['list'];
export type MerchantOrder = OrderPage['items'][number];
export type OrderDetail = RouterOutputs['merchant']['orders']['get'];
type ListInput = NonNullable<RouterInputs['merchant']['orders']['list']>;

/** The queue's status filter: named groups of states, in the order the tabs show them. */
export const STATUS_GROUPS = {
  active: ['paid', 'accepted', 'in_service'],
  paid: ['paid'],
  accepted: ['accepted'],
  in_service: ['in_service'],
  done: ['completed', 'confirmed', 'settled'],
  closed: ['rejected', 'cancelled', 'disputed', 'refunded'],
  all: [],
} as const satisfies Record<string, readonly OrderStatus[]>;
export type StatusGroup = keyof typeof STATUS_GROUPS;
export const STATUS_GROUP_NAMES = Object.keys(STATUS_GROUPS) as StatusGroup[];

export interface QueueFilter {
  group: StatusGroup;
  /** Slot start bounds (ISO): the days of work the merchant is looking at. */
  from?: string;
  to?: string;
}

export const PAGE_SIZE = 50;

export function listInput(filter: QueueFilter, cursor?: string): ListInput {
  const status = [...STATUS_GROUPS[filter.group]];
  return {
    status: status.length ? status : undefined,
    from: filter.from,
    to: filter.to,
    cursor,
    limit: PAGE_SIZE,
  };
}

/** Whether an order belongs in the queue as filtered (the same rule the API applies). */
export function matchesFilter(order: MerchantOrder, filter: QueueFilter): boolean {
  const statuses: readonly OrderStatus[] = STATUS_GROUPS[filter.group];
  if (statuses.length && !statuses.includes(order.status)) return false;
  const starts = Date.parse(order.slot.startsAt);
  if (filter.from && starts < Date.parse(filter.from)) return false;
  if (filter.to && starts >= Date.parse(filter.to)) return false;
  return true;
}

/**
 * The queue's pages after an order changed: replaced where it was, added in creation order if new
 * to the queue, or dropped when it no longer matches the filter.
 */
export function mergeOrder(
  pages: OrderPage[],
  order: MerchantOrder,
  matches: boolean,
): OrderPage[] {
  let replaced = false;
  const next = pages.map((page) => {
    const items = page.items.flatMap((item) => {
      if (item.id !== order.id) return [item];
      replaced = matches;
      return matches ? [order] : [];
    });
    return { ...page, items };
  });
  if (!matches || replaced || !next[0]) return next;
  const first = next[0];
  const at = first.items.findIndex((item) => item.createdAt < order.createdAt);
  const items = [...first.items];
  items.splice(at === -1 ? items.length : at, 0, order);
  next[0] = { ...first, items };
  return next;
}

/** Whether a change means a new order waiting to be accepted (highlight it, ring the bell). */
export function isNewArrival(previous: MerchantOrder | undefined, next: MerchantOrder): boolean {
  return next.status === 'paid' && previous?.status !== 'paid';
}

export type MerchantAction = 'accept' | 'reject' | 'start' | 'complete' | 'cancel';

/** What the merchant can do next with an order, in the order the buttons show. */
export function actionsFor(status: OrderStatus): MerchantAction[] {
  switch (status) {
    case 'paid':
      return ['accept', 'reject'];
    case 'accepted':
      return ['start', 'cancel'];
    case 'in_service':
      return ['complete'];
    default:
      return [];
  }
}

/** Milliseconds left to accept a paid order, or null when no acceptance is due. */
export function acceptanceLeft(order: Pick<MerchantOrder, 'status' | 'acceptDueAt'>, now: number) {
  return order.status === 'paid' && order.acceptDueAt ? Date.parse(order.acceptDueAt) - now : null;
}

/** How urgent an acceptance deadline is: under five minutes is a warning. */
export function urgency(msLeft: number): 'ok' | 'warning' | 'overdue' {
  if (msLeft <= 0) return 'overdue';
  return msLeft < 5 * 60_000 ? 'warning' : 'ok';
}
