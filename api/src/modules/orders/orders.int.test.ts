import { orderEvents, orders, outbox, refunds, slots } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookSlot,
  callerFor,
  createTestDeps,
  forceOrderState,
  payOrder,
  slotStartsIn,
  type TestDeps,
} from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
  );
const booked = async (slotId: string) =>
  (await deps.db.select().from(slots).where(eq(slots.id, slotId)))[0]!.booked;

async function paidOrder(options: { startsInMinutes?: number } = {}) {
  const market = await deps.factories.createMarketplace();
  const slot = await deps.factories.createSlot({
    serviceId: market.service.id,
    startsInMinutes: options.startsInMinutes ?? 24 * 60,
  });
  const order = await bookSlot(deps, market.resident.id, slot.id, { quantity: 2 });
  await payOrder(deps, order.id);
  return { ...market, slot, order };
}

describe('resident orders', () => {
  it('lists and shows my orders with a timeline and a free cancellation preview', async () => {
    const { resident, order } = await paidOrder();
    const me = await callerFor(deps, resident.id);
    const list = await me.order.list();
    expect(list.items.map((o) => o.id)).toEqual([order.id]);
    const detail = await me.order.get({ id: order.id });
    expect(detail.status).toBe('paid');
    expect(detail.events.map((e) => [e.from, e.to])).toEqual([
      [null, 'pending_payment'],
      ['pending_payment', 'paid'],
    ]);
    expect(detail.cancelPreview).toMatchObject({ refundFen: 10_000, feeFen: 0, free: true });
  });

  it('cancels late with the policy fee kept, releases capacity and records the refund', async () => {
    // Starts in 90 minutes; the factory service is free until 120 minutes before, fee 20%.
    const { resident, order, slot } = await paidOrder({ startsInMinutes: 90 });
    const me = await callerFor(deps, resident.id);
    const preview = (await me.order.get({ id: order.id })).cancelPreview!;
    expect(preview).toMatchObject({ refundFen: 8000, feeFen: 2000, free: false });
    const result = await me.order.cancel({ id: order.id, reason: '临时有事' });
    expect(result.refundFen).toBe(8000);
    expect(result.order).toMatchObject({ status: 'cancelled', refundFen: 8000 });
    expect(await booked(slot.id)).toBe(0);
    const [refund] = await deps.db.select().from(refunds).where(eq(refunds.orderId, order.id));
    expect(refund).toMatchObject({ amountFen: 8000, cause: 'cancel', status: 'pending' });
    const jobs = (await deps.db.select().from(outbox)).filter((r) => r.queue === 'payments');
    expect(jobs.map((r) => r.payload)).toContainEqual({
      refundId: refund!.id,
      orderId: order.id,
      amountFen: 8000,
    });
  });

  it('confirms, rates once, and disputes only within the window', async () => {
    const { resident, owner, order, slot } = await paidOrder();
    const merchant = await callerFor(deps, owner.id);
    await merchant.merchant.orders.accept({ id: order.id });
    await slotStartsIn(deps, slot.id, 10);
    await merchant.merchant.orders.start({ id: order.id });
    const done = await merchant.merchant.orders.complete({ id: order.id });
    expect(done.order.status).toBe('completed');
    expect(Date.parse(done.order.autoConfirmAt!) - Date.now()).toBeGreaterThan(47 * 3600_000);

    const me = await callerFor(deps, resident.id);
    expect(await codeOf(me.order.review({ id: order.id, rating: 5 }))).toBe('CONFLICT');
    expect((await me.order.confirm({ id: order.id })).order.status).toBe('confirmed');
    const review = await me.order.review({ id: order.id, rating: 4, comment: '打扫得很干净' });
    expect(review).toMatchObject({ rating: 4, comment: '打扫得很干净' });
    expect(await codeOf(me.order.review({ id: order.id, rating: 1 }))).toBe('CONFLICT');
    expect((await me.order.get({ id: order.id })).review).toMatchObject({ rating: 4 });
    expect(await codeOf(me.order.review({ id: order.id, rating: 6 }))).toBe('BAD_REQUEST');

    const second = await paidOrder();
    const m2 = await callerFor(deps, second.owner.id);
    await slotStartsIn(deps, second.slot.id, 10);
    for (const step of ['accept', 'start', 'complete'] as const)
      await m2.merchant.orders[step]({ id: second.order.id });
    const r2 = await callerFor(deps, second.resident.id);
    expect(
      (await r2.order.dispute({ id: second.order.id, reason: '没有打扫厨房' })).order.status,
    ).toBe('disputed');

    const third = await paidOrder();
    await forceOrderState(deps, third.order.id, 'completed', { autoConfirmInSeconds: -60 });
    const r3 = await callerFor(deps, third.resident.id);
    expect(await codeOf(r3.order.dispute({ id: third.order.id, reason: '太晚了' }))).toBe(
      'CONFLICT',
    );
  });
});

describe('merchant orders', () => {
  it('rejecting gives everything back and frees the slot', async () => {
    const { owner, order, slot } = await paidOrder();
    const merchant = await callerFor(deps, owner.id);
    const queue = await merchant.merchant.orders.list({ status: ['paid'] });
    expect(queue.items.map((o) => o.id)).toEqual([order.id]);
    const result = await merchant.merchant.orders.reject({ id: order.id, reason: '人手不足' });
    expect(result).toMatchObject({
      refundFen: 10_000,
      order: { status: 'rejected', refundFen: 10_000 },
    });
    expect(await booked(slot.id)).toBe(0);
    const detail = await merchant.merchant.orders.get({ id: order.id });
    expect(detail.events.at(-1)).toMatchObject({
      from: 'paid',
      to: 'rejected',
      actorKind: 'merchant',
      reason: '人手不足',
    });
  });

  it('refuses moves out of order with CONFLICT', async () => {
    const { owner, order } = await paidOrder();
    const merchant = await callerFor(deps, owner.id);
    expect(await codeOf(merchant.merchant.orders.complete({ id: order.id }))).toBe('CONFLICT');
    expect(await codeOf(merchant.merchant.orders.start({ id: order.id }))).toBe('CONFLICT');
    await merchant.merchant.orders.accept({ id: order.id });
    expect(await codeOf(merchant.merchant.orders.accept({ id: order.id }))).toBe('CONFLICT');
  });

  it('refuses to start service 2 days before the slot, saying so and writing nothing', async () => {
    const { owner, order } = await paidOrder({ startsInMinutes: 2 * 24 * 60 });
    const merchant = await callerFor(deps, owner.id);
    await merchant.merchant.orders.accept({ id: order.id });
    const before = await snapshot(order.id);

    const error = await merchant.merchant.orders.start({ id: order.id }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    const refused = error as TRPCError;
    expect(refused.code).toBe('CONFLICT');
    expect(getHTTPStatusCodeFromError(refused)).toBe(409);
    expect(refused.cause).toMatchObject({
      reason: 'too_early_to_start',
      details: { minutes: 30 },
    });
    // The apps read the reason as 还没到服务时间… (web/kit/src/errors.test.ts).
    expect(await snapshot(order.id)).toEqual(before);
    expect(before.order.status).toBe('accepted');
    expect(before.order.startedAt).toBeNull();
  });

  it('starts service 29 minutes before the slot', async () => {
    const { owner, order, slot } = await paidOrder({ startsInMinutes: 2 * 24 * 60 });
    const merchant = await callerFor(deps, owner.id);
    await merchant.merchant.orders.accept({ id: order.id });
    await slotStartsIn(deps, slot.id, 29);
    const started = await merchant.merchant.orders.start({ id: order.id });
    expect(started.order.status).toBe('in_service');
    const events = await deps.db
      .select()
      .from(orderEvents)
      .where(eq(orderEvents.orderId, order.id))
      .orderBy(orderEvents.id);
    expect(events.at(-1)).toMatchObject({ fromStatus: 'accepted', toStatus: 'in_service' });
  });
});

describe('other people’s orders', () => {
  it('a resident can neither read nor move another resident’s order', async () => {
    const { order, community } = await paidOrder();
    const neighbour = await deps.factories.createResident({ community });
    const them = await callerFor(deps, neighbour.id);
    expect((await them.order.list()).items).toEqual([]);
    expect(await codeOf(them.order.get({ id: order.id }))).toBe('NOT_FOUND');
    expect(await codeOf(them.order.cancel({ id: order.id, reason: 'x' }))).toBe('NOT_FOUND');
    expect(await codeOf(them.order.confirm({ id: order.id }))).toBe('NOT_FOUND');
    expect(await codeOf(them.order.dispute({ id: order.id, reason: 'x' }))).toBe('NOT_FOUND');
    expect(await codeOf(them.order.review({ id: order.id, rating: 1 }))).toBe('NOT_FOUND');
  });

  it('merchant staff can neither see nor move another merchant’s orders', async () => {
    const { order } = await paidOrder();
    const rival = await deps.factories.createMarketplace();
    const staff = await deps.factories.createMerchantStaff(rival.merchant.id, 'staff');
    const them = await callerFor(deps, staff.id);
    expect((await them.merchant.orders.list()).items).toEqual([]);
    for (const step of ['get', 'accept', 'start', 'complete'] as const) {
      expect(await codeOf(them.merchant.orders[step]({ id: order.id }))).toBe('NOT_FOUND');
    }
    expect(await codeOf(them.merchant.orders.reject({ id: order.id, reason: 'x' }))).toBe(
      'NOT_FOUND',
    );
  });

  it('roles stay in their lane', async () => {
    const { resident, owner, order } = await paidOrder();
    expect(
      await codeOf((await callerFor(deps, resident.id)).merchant.orders.accept({ id: order.id })),
    ).toBe('FORBIDDEN');
    expect(
      await codeOf((await callerFor(deps, owner.id)).order.cancel({ id: order.id, reason: 'x' })),
    ).toBe('FORBIDDEN');
    expect(await codeOf((await callerFor(deps)).order.list())).toBe('UNAUTHORIZED');
  });
});

/** Everything a refused start could have written: the order, its events and its outbox jobs. */
async function snapshot(orderId: string) {
  const [order] = await deps.db.select().from(orders).where(eq(orders.id, orderId));
  const events = await deps.db.select().from(orderEvents).where(eq(orderEvents.orderId, orderId));
  const jobs = await deps.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(sql`${outbox.payload}->>'orderId' = ${orderId}`);
  return { order: order!, events: events.length, jobs: jobs.length };
}
