import { orderReviews, orders, uploads } from '@cgp/db';
import { eq, inArray, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookSlot,
  callerFor,
  createTestDeps,
  payOrder,
  slotStartsIn,
  type TestDeps,
} from '../../testing';
import { giveDefaultRatings } from './ratings.service';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

async function confirmedOrder() {
  const f = deps.factories;
  const market = await f.createMarketplace();
  const slot = await f.createSlot({ serviceId: market.service.id });
  const order = await bookSlot(deps, market.resident.id, slot.id);
  await payOrder(deps, order.id);
  await slotStartsIn(deps, slot.id, 10);
  const merchant = await callerFor(deps, market.owner.id);
  await merchant.merchant.orders.accept({ id: order.id });
  await merchant.merchant.orders.start({ id: order.id });
  await merchant.merchant.orders.complete({ id: order.id });
  const resident = await callerFor(deps, market.resident.id);
  await resident.order.confirm({ id: order.id });
  return { market, order, resident, merchant };
}

const ageDefaultRating = (orderId: string) =>
  deps.db
    .update(orders)
    .set({ defaultRatingAt: sql`now() - interval '1 second'` })
    .where(eq(orders.id, orderId));

describe('系统默认好评', () => {
  it('is due 7 days after confirmation, given once, marked automatic and kept out of the score', async () => {
    const { order, resident, market } = await confirmedOrder();
    const [row] = await deps.db.select().from(orders).where(eq(orders.id, order.id));
    expect(row!.defaultRatingAt!.getTime() - row!.confirmedAt!.getTime()).toBe(7 * 86_400_000);
    expect(await giveDefaultRatings(deps.db)).toBe(0); // not yet due

    await ageDefaultRating(order.id);
    const given = await Promise.all([giveDefaultRatings(deps.db), giveDefaultRatings(deps.db)]);
    expect(given.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await giveDefaultRatings(deps.db)).toBe(0);
    const [review] = await deps.db
      .select()
      .from(orderReviews)
      .where(eq(orderReviews.orderId, order.id));
    expect(review).toMatchObject({ rating: 5, automatic: true, comment: '' });

    const view = await resident.order.get({ id: order.id });
    expect(view.review).toMatchObject({ rating: 5, automatic: true });
    expect(view.canReview).toBe(false);

    const ops = await deps.factories.createPropertyUser(market.community.companyId, 'property_ops');
    const kpis = await (
      await callerFor(deps, ops.id)
    ).quality.kpis({
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
      groupBy: 'merchant',
    });
    expect(kpis.rows[0]!.satisfaction).toEqual({
      score: null,
      count: 0,
      defaultCount: 1,
      defaultShare: 1,
    });
  });

  it('is not given to an order its resident rated', async () => {
    const { order, resident } = await confirmedOrder();
    await resident.order.review({ id: order.id, rating: 3, comment: '一般' });
    const [row] = await deps.db.select().from(orders).where(eq(orders.id, order.id));
    expect(row!.defaultRatingAt).toBeNull();
    await ageDefaultRating(order.id); // even if a due time were left behind, the rating stands
    await giveDefaultRatings(deps.db);
    const [review] = await deps.db
      .select()
      .from(orderReviews)
      .where(eq(orderReviews.orderId, order.id));
    expect(review).toMatchObject({ rating: 3, automatic: false, comment: '一般' });
  });
});

describe('merchant.reviews.reply', () => {
  it('lets the merchant reply once to a resident’s rating, and never to another merchant’s', async () => {
    const { order, resident, merchant } = await confirmedOrder();
    await resident.order.review({ id: order.id, rating: 4, comment: '不错' });
    const reply = await merchant.merchant.reviews.reply({
      orderId: order.id,
      reply: '感谢您的认可',
    });
    expect(reply.reply).toBe('感谢您的认可');
    await expect(
      merchant.merchant.reviews.reply({ orderId: order.id, reply: '再回复一次' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await resident.order.get({ id: order.id })).review).toMatchObject({
      rating: 4,
      reply: '感谢您的认可',
    });
    const list = await merchant.merchant.reviews.list();
    expect(list.items[0]).toMatchObject({ orderId: order.id, reply: '感谢您的认可' });

    const other = await confirmedOrder();
    await expect(
      other.merchant.merchant.reviews.reply({ orderId: order.id, reply: '不是我的' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      merchant.merchant.reviews.reply({ orderId: order.id, reply: '   ' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('refuses a reply to a default rating', async () => {
    const { order, merchant } = await confirmedOrder();
    await ageDefaultRating(order.id);
    await giveDefaultRatings(deps.db);
    await expect(
      merchant.merchant.reviews.reply({ orderId: order.id, reply: '谢谢' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('order.review with photos', () => {
  const upload = async (ownerId: string) => {
    const [row] = await deps.db
      .insert(uploads)
      .values({
        ownerId,
        storageKey: `test/${randomUUID()}.jpg`,
        mime: 'image/jpeg',
        bytes: 1000,
        width: 800,
        height: 600,
      })
      .returning();
    return row!.id;
  };

  it('takes up to six of the resident’s own unused photos, shown with the review', async () => {
    const { order, resident, market, merchant } = await confirmedOrder();
    const mine = await Promise.all([1, 2, 3].map(() => upload(market.resident.id)));
    const someoneElses = await upload(market.owner.id);
    await expect(
      resident.order.review({ id: order.id, rating: 5, photoIds: [...mine, someoneElses] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const seven = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => upload(market.resident.id)));
    await expect(
      resident.order.review({ id: order.id, rating: 5, photoIds: seven }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    const review = await resident.order.review({
      id: order.id,
      rating: 5,
      comment: '很干净',
      photoIds: mine,
    });
    expect(review.photos.map((p) => p.id)).toEqual(mine);
    expect((await resident.order.get({ id: order.id })).review!.photos.map((p) => p.url)).toEqual(
      mine.map((id) => `/uploads/${id}`),
    );
    expect((await merchant.merchant.reviews.list()).items[0]!.photos).toHaveLength(3);
    const attached = await deps.db.select().from(uploads).where(inArray(uploads.id, mine));
    expect(attached.every((u) => u.orderId === order.id)).toBe(true);
    // A refused review attached nothing.
    const [loose] = await deps.db.select().from(uploads).where(eq(uploads.id, someoneElses));
    expect(loose!.orderId).toBeNull();
  });
});

describe('the merchant’s score on service cards', () => {
  it('is the mean of residents’ own ratings with their count; default ratings stay out', async () => {
    const first = await confirmedOrder();
    await first.resident.order.review({ id: first.order.id, rating: 4 });
    // Two more orders of the same merchant: one rated 5 by its resident, one left to the default.
    const f = deps.factories;
    const more = async () => {
      const slot = await f.createSlot({ serviceId: first.market.service.id });
      const order = await bookSlot(deps, first.market.resident.id, slot.id);
      await payOrder(deps, order.id);
      await slotStartsIn(deps, slot.id, 10);
      await first.merchant.merchant.orders.accept({ id: order.id });
      await first.merchant.merchant.orders.start({ id: order.id });
      await first.merchant.merchant.orders.complete({ id: order.id });
      await first.resident.order.confirm({ id: order.id });
      return order;
    };
    const rated = await more();
    await first.resident.order.review({ id: rated.id, rating: 5 });
    const unrated = await more();
    await ageDefaultRating(unrated.id);
    await giveDefaultRatings(deps.db);

    const card = await first.resident.catalog.service({ id: first.market.service.id });
    expect(card.merchant).toMatchObject({ rating: 4.5, ratingCount: 2 });
    const list = await first.resident.catalog.services({});
    expect(list.items.find((s) => s.id === first.market.service.id)!.merchant).toMatchObject({
      rating: 4.5,
      ratingCount: 2,
    });
    const fresh = await deps.factories.createMarketplace();
    const empty = await (
      await callerFor(deps, fresh.resident.id)
    ).catalog.service({ id: fresh.service.id });
    expect(empty.merchant).toMatchObject({ rating: null, ratingCount: 0 });
  });
});
