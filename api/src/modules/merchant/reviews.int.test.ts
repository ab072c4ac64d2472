import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookSlot,
  callerFor,
  createTestDeps,
  payOrder,
  slotStartsIn,
  type TestDeps,
} from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

type Market = Awaited<ReturnType<TestDeps['factories']['createMarketplace']>>;

/** An order served and confirmed, then rated by its resident. */
async function reviewedOrder(market: Market, rating: number, comment?: string) {
  const f = deps.factories;
  const resident = await f.createResident({ community: market.community });
  const slot = await f.createSlot({ serviceId: market.service.id });
  const order = await bookSlot(deps, resident.id, slot.id);
  await payOrder(deps, order.id);
  await slotStartsIn(deps, slot.id, 10);
  const merchant = await callerFor(deps, market.owner.id);
  await merchant.merchant.orders.accept({ id: order.id });
  await merchant.merchant.orders.start({ id: order.id });
  await merchant.merchant.orders.complete({ id: order.id });
  const me = await callerFor(deps, resident.id);
  await me.order.confirm({ id: order.id });
  await me.order.review({ id: order.id, rating, comment });
  return order;
}

describe('merchant.reviews.list', () => {
  it('lists the merchant’s reviews newest first with an average, a count and the spread', async () => {
    const market = await deps.factories.createMarketplace();
    const first = await reviewedOrder(market, 5, '阿姨很细心');
    const second = await reviewedOrder(market, 4);
    const third = await reviewedOrder(market, 2, '迟到了半小时');
    await reviewedOrder(await deps.factories.createMarketplace(), 1, '别家的评价');

    const owner = await callerFor(deps, market.owner.id);
    const all = await owner.merchant.reviews.list();
    expect(all.items.map((r) => [r.orderId, r.rating, r.comment])).toEqual([
      [third.id, 2, '迟到了半小时'],
      [second.id, 4, ''],
      [first.id, 5, '阿姨很细心'],
    ]);
    expect(all.items[0]).toMatchObject({
      serviceTitleZh: '日常保洁',
      serviceId: market.service.id,
    });
    expect(all.summary).toEqual({
      average: 3.7,
      count: 3,
      defaultCount: 0,
      byRating: { 1: 0, 2: 1, 3: 0, 4: 1, 5: 1 },
    });

    const low = await owner.merchant.reviews.list({ rating: 2, limit: 20 });
    expect(low.items.map((r) => r.orderId)).toEqual([third.id]);
    expect(low.summary.count).toBe(3); // the summary covers every review

    const pageOne = await owner.merchant.reviews.list({ limit: 2 });
    const pageTwo = await owner.merchant.reviews.list({ limit: 2, cursor: pageOne.nextCursor! });
    expect([...pageOne.items, ...pageTwo.items].map((r) => r.orderId)).toEqual(
      all.items.map((r) => r.orderId),
    );
    expect(pageTwo.nextCursor).toBeNull();
  });

  it('has an empty summary before any review', async () => {
    const market = await deps.factories.createMarketplace();
    const list = await (await callerFor(deps, market.owner.id)).merchant.reviews.list();
    expect(list).toEqual({
      items: [],
      nextCursor: null,
      summary: {
        average: null,
        count: 0,
        defaultCount: 0,
        byRating: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
      },
    });
  });
});
