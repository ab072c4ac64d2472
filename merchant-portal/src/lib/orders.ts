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
  /** An order number, part of the resident's name, or their phone's last digits. */
  search?: string;
}

export const PAGE_SIZE = 50;

export function listInput(filter: QueueFilter, cursor?: string): ListInput {
  const status = [...STATUS_GROUPS[filter.group]];
  return {
    status: status.length ? status : undefined,
    from: filter.from,
    to: filter.to,
    search: filter.search?.trim() || undefined,
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
  const search = filter.search?.trim();
  return !search || matchesSearch(order, search);
}

/**
 * Whether a live change belongs in a searched queue, judged by what the merchant sees of it: the
 * API's search by order number, resident name or the phone's last digits (the masked number
 * keeps the last four). A change it cannot judge stays out until the queue refetches.
 */
export function matchesSearch(
  order: Pick<MerchantOrder, 'orderNo' | 'residentName' | 'residentPhoneMasked'>,
  search: string,
): boolean {
  if (order.orderNo.toUpperCase().startsWith(search.toUpperCase())) return true;
  if (order.residentName.toLowerCase().includes(search.toLowerCase())) return true;
  return /^\d{4}$/.test(search) && order.residentPhoneMasked.endsWith(search);
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
const ACTION_ORDER: readonly MerchantAction[] = ['accept', 'reject', 'start', 'complete', 'cancel'];

/**
 * The buttons for what the server says the merchant may do with the order now (its `can` flags,
 * from the state machine and its deadlines), in the order they show.
 */
export function actionsFor(can: MerchantOrder['can']): MerchantAction[] {
  return ACTION_ORDER.filter((action) => can[action]);
}

/** The soonest future moment among `times` (ISO or null) after `now`, or null. */
export function nextMoment(times: readonly (string | null)[], now: number): number | null {
  let next: number | null = null;
  for (const time of times) {
    const at = time ? Date.parse(time) : NaN;
    if (at > now && (next === null || at < next)) next = at;
  }
  return next;
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
