import { isReassignable } from '../delivery/dispatch';
import { maskPhone } from '../delivery/workers.service';
import { ORDER_ACTIONS, type OrderAction, type OrderStatus } from './order-states';
import { orderView, type OrderViewRow } from './order-view';
import { earliestStartAt } from './transition';

/**
 * While the merchant is still serving an order, its detail carries a call link to the resident.
 * Afterwards only the masked number remains: a shop keeps no way to ring a resident it no longer
 * serves. (A telephony provider's privacy number — 隐私号 — would slot in here as the link.)
 */
const CALLABLE: readonly OrderStatus[] = ['paid', 'accepted', 'in_service'];

const allows = (action: OrderAction, status: OrderStatus) =>
  ORDER_ACTIONS[action].from.includes(status);

type MerchantRow = Pick<OrderViewRow, 'order' | 'startsAt'>;

/**
 * What the merchant's staff may do with the order now, by the state machine's table and the same
 * deadline `transitionOrder` enforces (service starts at most 30 minutes before its slot). The
 * portal shows exactly these buttons. `assign` says the order can still go to another worker;
 * only the owner may do it.
 */
export function merchantCan(row: MerchantRow, now: Date) {
  const status = row.order.status;
  const earliest = earliestStartAt(row.order, row.startsAt);
  return {
    accept: allows('accept', status),
    reject: allows('reject', status),
    start: allows('start', status) && (!earliest || earliest <= now),
    complete: allows('complete', status),
    cancel: allows('merchantCancel', status),
    assign: isReassignable(row.order),
  };
}

export type MerchantCan = ReturnType<typeof merchantCan>;

/** When an accepted order that may not start yet will be startable, or null. */
export function startFrom(row: MerchantRow, now: Date): string | null {
  const earliest = earliestStartAt(row.order, row.startsAt);
  return allows('start', row.order.status) && earliest && earliest > now
    ? earliest.toISOString()
    : null;
}

/** An order as the merchant's queue and live feed show it: the resident's phone only masked. */
export function merchantOrderView(row: OrderViewRow, now = new Date()) {
  return {
    ...orderView(row),
    residentPhoneMasked: maskPhone(row.residentPhone),
    can: merchantCan(row, now),
    startFrom: startFrom(row, now),
  };
}

export type MerchantOrderView = ReturnType<typeof merchantOrderView>;

/** The `tel:` link to the resident while the merchant serves the order, else null. */
export function residentCallLink(row: Pick<OrderViewRow, 'order' | 'residentPhone'>) {
  return CALLABLE.includes(row.order.status) && row.residentPhone
    ? `tel:${row.residentPhone}`
    : null;
}
