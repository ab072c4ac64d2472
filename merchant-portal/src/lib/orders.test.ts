import { describe, expect, it } from 'vitest';
import {
  acceptanceLeft,
  actionsFor,
  isNewArrival,
  matchesSearch,
  nextMoment,
  listInput,
  matchesFilter,
  mergeOrder,
  urgency,
  type MerchantOrder,
  type OrderPage,
} from './orders';

function order(id: string, overrides: Partial<MerchantOrder> = {}): MerchantOrder {
  return {
    id,
    status: 'paid',
    createdAt: `2025-05-20T0${id}:00:00.000Z`,
    slot: { startsAt: '2025-05-21T01:00:00.000Z', endsAt: '2025-05-21T03:00:00.000Z' },
    acceptDueAt: '2025-05-20T10:15:00.000Z',
    ...overrides,
  } as MerchantOrder;
}
const page = (...items: MerchantOrder[]): OrderPage => ({ items, nextCursor: null });
const ids = (pages: OrderPage[]) => pages.map((p) => p.items.map((o) => o.id));

describe('the order queue', () => {
  it('adds a new order at its place by creation time, newest first', () => {
    const pages = [page(order('5'), order('3')), page(order('1'))];
    expect(ids(mergeOrder(pages, order('4'), true))).toEqual([['5', '4', '3'], ['1']]);
    expect(ids(mergeOrder(pages, order('9'), true))).toEqual([['9', '5', '3'], ['1']]);
    expect(ids(mergeOrder([page()], order('2'), true))).toEqual([['2']]);
  });

  it('replaces a changed order in place and drops one that left the filter', () => {
    const pages = [page(order('5'), order('3')), page(order('1'))];
    const accepted = order('1', { status: 'accepted' });
    const merged = mergeOrder(pages, accepted, true);
    expect(ids(merged)).toEqual([['5', '3'], ['1']]);
    expect(merged[1]!.items[0]!.status).toBe('accepted');
    expect(ids(mergeOrder(pages, accepted, false))).toEqual([['5', '3'], []]);
    expect(ids(mergeOrder(pages, order('7'), false))).toEqual([['5', '3'], ['1']]);
  });

  it('filters by status group and by the day the service starts', () => {
    const paid = order('1');
    expect(matchesFilter(paid, { group: 'active' })).toBe(true);
    expect(matchesFilter(paid, { group: 'accepted' })).toBe(false);
    expect(matchesFilter(order('1', { status: 'expired' }), { group: 'all' })).toBe(true);
    const day = { from: '2025-05-20T16:00:00.000Z', to: '2025-05-21T16:00:00.000Z' };
    expect(matchesFilter(paid, { group: 'all', ...day })).toBe(true);
    expect(matchesFilter(paid, { group: 'all', from: day.to })).toBe(false);
    expect(listInput({ group: 'all' })).toMatchObject({ status: undefined, limit: 50 });
    expect(listInput({ group: 'done', ...day }, 'c1')).toMatchObject({
      status: ['completed', 'confirmed', 'settled'],
      cursor: 'c1',
      ...day,
    });
  });

  it('rings for orders that just became payable, not for repeats or later steps', () => {
    const paid = order('1');
    expect(isNewArrival(undefined, paid)).toBe(true);
    expect(isNewArrival(paid, paid)).toBe(false);
    expect(isNewArrival(paid, order('1', { status: 'accepted' }))).toBe(false);
  });

  it("offers the actions the server allows, in the buttons' order", () => {
    const none = {
      accept: false,
      reject: false,
      start: false,
      complete: false,
      cancel: false,
      assign: false,
    };
    expect(actionsFor({ ...none, reject: true, accept: true })).toEqual(['accept', 'reject']);
    // Accepted but too early to start: only cancelling is offered.
    expect(actionsFor({ ...none, cancel: true, assign: true })).toEqual(['cancel']);
    expect(actionsFor({ ...none, cancel: true, start: true })).toEqual(['start', 'cancel']);
    expect(actionsFor(none)).toEqual([]);
  });

  it('refreshes at the next moment an order becomes startable', () => {
    const now = Date.parse('2025-05-20T10:00:00.000Z');
    expect(nextMoment([null, '2025-05-20T09:00:00.000Z'], now)).toBeNull();
    expect(nextMoment(['2025-05-20T12:00:00.000Z', null, '2025-05-20T10:30:00.000Z'], now)).toBe(
      Date.parse('2025-05-20T10:30:00.000Z'),
    );
  });

  it('keeps a live change in a searched queue when what the merchant sees matches', () => {
    const seen = {
      orderNo: '2611300042',
      residentName: '王秀英',
      residentPhoneMasked: '139****4321',
    };
    expect(matchesSearch(seen, '26113')).toBe(true);
    expect(matchesSearch(seen, '秀英')).toBe(true);
    expect(matchesSearch(seen, '4321')).toBe(true);
    expect(matchesSearch(seen, '1234')).toBe(false);
    expect(matchesSearch(seen, '张')).toBe(false);
    const searched = { group: 'all' as const, search: '秀英' };
    expect(matchesFilter(order('1', seen), searched)).toBe(true);
    expect(matchesFilter(order('1', { ...seen, residentName: '张阿姨' }), searched)).toBe(false);
  });

  it('counts down the acceptance deadline of paid orders only', () => {
    const now = Date.parse('2025-05-20T10:00:00.000Z');
    expect(acceptanceLeft(order('1'), now)).toBe(15 * 60_000);
    expect(acceptanceLeft(order('1', { status: 'accepted' }), now)).toBeNull();
    expect(urgency(15 * 60_000)).toBe('ok');
    expect(urgency(4 * 60_000)).toBe('warning');
    expect(urgency(0)).toBe('overdue');
  });
});
