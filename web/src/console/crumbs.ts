import type { LocationQuery, RouteLocationRaw } from 'vue-router';

/** One step of a breadcrumb trail: where it leads back to, with the filters it had. */
export interface Crumb {
  label: string;
  to?: RouteLocationRaw;
}

type T = (key: string, params?: Record<string, unknown>) => string;

/** The report's own filters (period, grouping), carried down a drill so the way back keeps them. */
const REPORT_KEYS = ['period', 'groupBy'] as const;
/** The order list's filters, carried into an order so the way back keeps them. */
const LIST_KEYS = ['from', 'to', 'merchantId', 'category', 'q', ...REPORT_KEYS] as const;

/** The query's values of `keys` that are plain strings: the filters a crumb leads back with. */
export function pickQuery(query: LocationQuery, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    keys.flatMap((k) => {
      const v = query[k];
      return typeof v === 'string' && v ? [[k, v]] : [];
    }),
  );
}

/** Where a list of orders was reached from: the revenue report (with its filters) or the overview. */
function origin(t: T, query: LocationQuery): Crumb {
  if (typeof query.groupBy === 'string') {
    return {
      label: t('nav.revenue'),
      to: { name: 'console-revenue', query: pickQuery(query, REPORT_KEYS) },
    };
  }
  return { label: t('crumbs.home'), to: { name: 'console-home' } };
}

/** The order list's trail: its origin, then the list itself. */
export function ordersCrumbs(t: T, query: LocationQuery): Crumb[] {
  return [origin(t, query), { label: t('crumbs.orders') }];
}

/** The query an order opened from the list carries: the list's filters. */
export const orderQueryFromList = (query: LocationQuery) => pickQuery(query, LIST_KEYS);

/** An order's trail: back to the dispute list (its tab) or to the order list with its filters. */
export function orderCrumbs(t: T, query: LocationQuery, orderNo: string): Crumb[] {
  const here = { label: t('crumbs.order', { no: orderNo }) };
  if (query.via === 'disputes') {
    return [
      {
        label: t('crumbs.disputes'),
        to: { name: 'console-disputes', query: pickQuery(query, ['status']) },
      },
      here,
    ];
  }
  return [
    origin(t, query),
    { label: t('crumbs.orders'), to: { name: 'console-orders', query: orderQueryFromList(query) } },
    here,
  ];
}
