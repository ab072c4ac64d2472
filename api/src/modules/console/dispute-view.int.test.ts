import { uploads } from '@cgp/db';
import { TRPCError } from '@trpc/server';
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

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

type Market = Awaited<ReturnType<TestDeps['factories']['createMarketplace']>>;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
  );

/** A photo as `POST /uploads` leaves it: stored, owned by its uploader, not yet on an order. */
async function photoBy(ownerId: string) {
  const [row] = await deps.db
    .insert(uploads)
    .values({
      ownerId,
      storageKey: `test/${randomUUID()}.jpg`,
      mime: 'image/jpeg',
      bytes: 2048,
      width: 640,
      height: 480,
    })
    .returning({ id: uploads.id });
  return row!.id;
}

/** A completed order (two hours of ¥50.00) that the resident disputes with a photo. */
async function disputed(market: Market) {
  const slot = await deps.factories.createSlot({ serviceId: market.service.id, capacity: 10 });
  const order = await bookSlot(deps, market.resident.id, slot.id, { quantity: 2 });
  await payOrder(deps, order.id);
  await slotStartsIn(deps, slot.id, 10);
  const merchant = await callerFor(deps, market.owner.id);
  for (const step of ['accept', 'start', 'complete'] as const)
    await merchant.merchant.orders[step]({ id: order.id });
  const residentPhoto = await photoBy(market.resident.id);
  await (
    await callerFor(deps, market.resident.id)
  ).order.dispute({
    id: order.id,
    reason: '厨房没有打扫，油污还在',
    photoIds: [residentPhoto],
  });
  return { order, residentPhoto, merchant };
}

describe('a dispute with both sides', () => {
  it('shows ops the resident’s reason and photo, the merchant’s statement and photo, the order and what is left to refund', async () => {
    const market = await deps.factories.createMarketplace();
    const { order, residentPhoto, merchant } = await disputed(market);
    const auditor = await callerFor(
      deps,
      (await deps.factories.createPropertyUser(market.community.companyId, 'property_auditor')).id,
    );

    // Before the merchant speaks: the resident's side only.
    const before = await auditor.console.dispute({ orderId: order.id });
    expect(before.resident).toMatchObject({
      reason: '厨房没有打扫，油污还在',
      photos: [{ id: residentPhoto, url: `/uploads/${residentPhoto}` }],
    });
    expect(before.merchant).toMatchObject({ statement: null, statedAt: null, photos: [] });
    // The merchant's drawer shows the complaint and that it has not yet answered.
    expect((await merchant.merchant.orders.get({ id: order.id })).dispute).toMatchObject({
      reason: '厨房没有打扫，油污还在',
      resolved: false,
      statement: null,
      statedAt: null,
    });

    const merchantPhoto = await photoBy(market.owner.id);
    const stated = await merchant.merchant.orders.stateDispute({
      id: order.id,
      statement: '已按约定完成，厨房台面已清洁，见照片',
      photoIds: [merchantPhoto],
    });
    expect(stated.statement).toBe('已按约定完成，厨房台面已清洁，见照片');
    expect((await merchant.merchant.orders.get({ id: order.id })).dispute).toMatchObject({
      statement: '已按约定完成，厨房台面已清洁，见照片',
      statedAt: stated.statedAt,
    });

    const view = await auditor.console.dispute({ orderId: order.id });
    expect(view.merchant).toMatchObject({
      name: market.merchant.name,
      statement: '已按约定完成，厨房台面已清洁，见照片',
      photos: [{ id: merchantPhoto }],
    });
    expect(view.merchant.statedAt).not.toBeNull();
    expect(view.resident.photos.map((p) => p.id)).toEqual([residentPhoto]);
    expect(view.order).toMatchObject({
      orderNo: order.orderNo,
      status: 'disputed',
      totalFen: 10_000,
      refundFen: 0,
      refundableFen: 10_000,
      platformBps: 3000,
    });
    expect(view.resolution).toBeNull();

    // The proposed refund: ¥33.33 back leaves ¥66.67, shared 30% (20.00, rounded half up) / 70%.
    expect(
      await auditor.console.disputeRefundPreview({ orderId: order.id, refundFen: 3_333 }),
    ).toEqual({
      refundFen: 3_333,
      remainingFen: 6_667,
      platformBps: 3000,
      platformFen: 2_000,
      merchantFen: 4_667,
    });
    expect(
      await codeOf(auditor.console.disputeRefundPreview({ orderId: order.id, refundFen: 10_001 })),
    ).toBe('BAD_REQUEST');

    // Once ops decide, the merchant can no longer restate its side.
    const ops = await callerFor(
      deps,
      (await deps.factories.createPropertyUser(market.community.companyId, 'property_ops')).id,
    );
    await ops.ops.resolveDispute({ orderId: order.id, outcome: 'confirm', note: '照片显示已完成' });
    expect(
      await codeOf(merchant.merchant.orders.stateDispute({ id: order.id, statement: '补充说明' })),
    ).toBe('CONFLICT');
    const resolved = await auditor.console.dispute({ orderId: order.id });
    expect(resolved.resolution).toMatchObject({ note: '照片显示已完成' });
    expect(resolved.merchant.statement).toBe('已按约定完成，厨房台面已清洁，见照片');
    expect((await merchant.merchant.orders.get({ id: order.id })).dispute?.resolved).toBe(true);
  });

  it('keeps each side to its own: other merchants, other companies, residents and anonymous callers are refused', async () => {
    const market = await deps.factories.createMarketplace();
    const other = await deps.factories.createMarketplace();
    const { order } = await disputed(market);
    const otherMerchant = await callerFor(deps, other.owner.id);
    const otherAuditor = await callerFor(
      deps,
      (await deps.factories.createPropertyUser(other.community.companyId, 'property_auditor')).id,
    );
    const resident = await callerFor(deps, market.resident.id);
    const anonymous = await callerFor(deps);

    expect(
      await codeOf(
        otherMerchant.merchant.orders.stateDispute({ id: order.id, statement: '不是我们的单' }),
      ),
    ).toBe('NOT_FOUND');
    expect(await codeOf(otherAuditor.console.dispute({ orderId: order.id }))).toBe('NOT_FOUND');
    expect(
      await codeOf(otherAuditor.console.disputeRefundPreview({ orderId: order.id, refundFen: 1 })),
    ).toBe('NOT_FOUND');
    expect(await codeOf(resident.console.dispute({ orderId: order.id }))).toBe('FORBIDDEN');
    expect(
      await codeOf(resident.merchant.orders.stateDispute({ id: order.id, statement: '我是住户' })),
    ).toBe('FORBIDDEN');
    expect(await codeOf(anonymous.console.dispute({ orderId: order.id }))).toBe('UNAUTHORIZED');
    // A merchant's own photo cannot be another's, and a blank statement is refused: nothing written.
    const merchant = await callerFor(deps, market.owner.id);
    const notTheirs = await photoBy(other.owner.id);
    expect(
      await codeOf(
        merchant.merchant.orders.stateDispute({
          id: order.id,
          statement: '说明',
          photoIds: [notTheirs],
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect(
      await codeOf(merchant.merchant.orders.stateDispute({ id: order.id, statement: '   ' })),
    ).toBe('BAD_REQUEST');
    const auditor = await callerFor(
      deps,
      (await deps.factories.createPropertyUser(market.community.companyId, 'property_auditor')).id,
    );
    expect((await auditor.console.dispute({ orderId: order.id })).merchant).toMatchObject({
      statement: null,
      photos: [],
    });
  });

  it('refuses a statement on an order that is not disputed', async () => {
    const market = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: market.service.id });
    const order = await bookSlot(deps, market.resident.id, slot.id);
    await payOrder(deps, order.id);
    const merchant = await callerFor(deps, market.owner.id);
    expect(
      await codeOf(merchant.merchant.orders.stateDispute({ id: order.id, statement: '说明' })),
    ).toBe('CONFLICT');
  });
});
