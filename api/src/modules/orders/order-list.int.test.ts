import { orders } from '@cgp/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSlot, callerFor, createTestDeps, forceOrderState, type TestDeps } from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

describe('order.list tabs and search', () => {
  it('puts each order under its tab and finds orders by number or service name', async () => {
    const f = deps.factories;
    const { service, resident } = await f.createMarketplace();
    const slot = await f.createSlot({ serviceId: service.id, capacity: 10 });
    const book = () => bookSlot(deps, resident.id, slot.id);
    const unpaid = await book();
    const accepted = await book();
    const done = await book();
    const refunded = await book();
    const cancelledWithRefund = await book();
    await forceOrderState(deps, accepted.id, 'accepted');
    await forceOrderState(deps, done.id, 'confirmed');
    await forceOrderState(deps, refunded.id, 'refunded');
    await forceOrderState(deps, cancelledWithRefund.id, 'cancelled');
    await deps.db
      .update(orders)
      .set({ refundFen: 1000 })
      .where(eq(orders.id, cancelledWithRefund.id));

    const caller = await callerFor(deps, resident.id);
    const tab = async (name: 'pending_payment' | 'in_progress' | 'to_review' | 'after_sales') =>
      (await caller.order.list({ tab: name, limit: 20 })).items.map((o) => o.id).sort();
    expect(await tab('pending_payment')).toEqual([unpaid.id]);
    expect(await tab('in_progress')).toEqual([accepted.id]);
    expect(await tab('to_review')).toEqual([done.id]);
    expect(await tab('after_sales')).toEqual([refunded.id, cancelledWithRefund.id].sort());

    const search = async (text: string) =>
      (await caller.order.list({ search: text, limit: 20 })).items.map((o) => o.id);
    expect(await search(accepted.orderNo)).toEqual([accepted.id]);
    expect((await search(service.titleZh.slice(0, 2))).length).toBe(5);
    // LIKE's wildcards are taken literally.
    expect(await search('%')).toEqual([]);
    expect(await search('不存在的服务')).toEqual([]);

    // Another resident's orders never match.
    const other = await f.createResident({ community: resident.community });
    const asOther = await callerFor(deps, other.id);
    expect((await asOther.order.list({ search: accepted.orderNo, limit: 20 })).items).toEqual([]);
  });
});
