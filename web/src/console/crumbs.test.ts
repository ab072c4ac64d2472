import { describe, expect, it } from 'vitest';
import { orderCrumbs, orderQueryFromList, ordersCrumbs } from './crumbs';

const t = (key: string, params?: Record<string, unknown>) =>
  params ? `${key}(${Object.values(params).join()})` : key;

describe('breadcrumbs that keep filters', () => {
  const fromReport = {
    from: '2026-10-31T16:00:00.000Z',
    to: '2026-11-30T16:00:00.000Z',
    merchantId: 'm-1',
    q: '张',
    period: '2026-11-01_2026-11-30',
    groupBy: 'merchant',
  };

  it('leads from an order back to the list with its search and filters, and on to the report with its period', () => {
    const crumbs = orderCrumbs(t, { ...fromReport, junk: 'x' }, '2611300001');
    expect(crumbs).toEqual([
      {
        label: 'nav.revenue',
        to: {
          name: 'console-revenue',
          query: { period: '2026-11-01_2026-11-30', groupBy: 'merchant' },
        },
      },
      { label: 'crumbs.orders', to: { name: 'console-orders', query: fromReport } },
      { label: 'crumbs.order(2611300001)' },
    ]);
  });

  it('leads a list reached from the overview back to the overview', () => {
    expect(ordersCrumbs(t, { from: 'a', to: 'b' })).toEqual([
      { label: 'crumbs.home', to: { name: 'console-home' } },
      { label: 'crumbs.orders' },
    ]);
  });

  it('leads an order opened from the disputes back to the tab it came from', () => {
    expect(orderCrumbs(t, { via: 'disputes', status: 'resolved' }, '1')[0]).toEqual({
      label: 'crumbs.disputes',
      to: { name: 'console-disputes', query: { status: 'resolved' } },
    });
  });

  it('carries only the list filters, as plain strings, into an order', () => {
    expect(orderQueryFromList({ q: ['a', 'b'], category: 'housekeeping', page: '2' })).toEqual({
      category: 'housekeeping',
    });
  });
});
