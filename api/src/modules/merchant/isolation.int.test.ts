import { services, slots } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookSlot,
  callerFor,
  createTestDeps,
  payOrder,
  seedEligibleOrders,
  type TestDeps,
} from '../../testing';
import { buildStatements } from '../settlement/build-statements';

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

const week = () => ({
  from: new Date().toISOString(),
  to: new Date(Date.now() + 7 * 86_400_000).toISOString(),
});

describe('one merchant’s portal never reaches another’s data', () => {
  it('answers merchant B’s owner and staff with NOT_FOUND for A’s services, slots and orders', async () => {
    const f = deps.factories;
    const a = await f.createMarketplace();
    const b = await f.createMarketplace({ category: 'meal_delivery' });
    const slot = await f.createSlot({ serviceId: a.service.id, capacity: 4 });
    const order = await bookSlot(deps, a.resident.id, slot.id);
    await payOrder(deps, order.id);

    const bStaff = await f.createMerchantStaff(b.merchant.id, 'staff');
    for (const userId of [b.owner.id, bStaff.id]) {
      const them = await callerFor(deps, userId);
      expect((await them.merchant.services.list()).items.map((s) => s.id)).toEqual([b.service.id]);
      expect(await codeOf(them.merchant.services.get({ id: a.service.id }))).toBe('NOT_FOUND');
      expect(
        await codeOf(them.merchant.schedule.slots({ serviceId: a.service.id, ...week() })),
      ).toBe('NOT_FOUND');
      expect((await them.merchant.orders.list()).items).toEqual([]);
      expect(await codeOf(them.merchant.orders.get({ id: order.id }))).toBe('NOT_FOUND');
      expect(await codeOf(them.merchant.orders.accept({ id: order.id }))).toBe('NOT_FOUND');
      expect((await them.merchant.reviews.list()).summary.count).toBe(0);
      expect((await them.merchant.profile()).id).toBe(b.merchant.id);
    }

    const bOwner = await callerFor(deps, b.owner.id);
    const template = {
      serviceId: a.service.id,
      weekdays: [1, 2, 3],
      ranges: [{ start: '09:00', end: '10:00', capacity: 9 }],
      weeks: 1,
    };
    for (const attempt of [
      () =>
        bOwner.merchant.services.update({
          id: a.service.id,
          titleZh: '改掉',
          titleEn: 'Changed',
          priceFen: 1,
          pricingUnit: 'per_visit',
          minQuantity: 1,
          maxQuantity: 1,
          durationMinutes: 1,
          freeCancelMinutes: 0,
          lateCancelFeeBps: 0,
          bookingCutoffMinutes: 0,
          communityIds: [b.community.id],
        }),
      () => bOwner.merchant.services.setActive({ id: a.service.id, active: false }),
      () => bOwner.merchant.schedule.previewTemplate(template),
      () => bOwner.merchant.schedule.applyTemplate(template),
      () => bOwner.merchant.schedule.setCapacity({ slotId: slot.id, capacity: 99 }),
      () => bOwner.merchant.schedule.closeDay({ serviceId: a.service.id, date: '2030-01-07' }),
      () => bOwner.merchant.orders.reject({ id: order.id, reason: '不接' }),
    ]) {
      expect(await codeOf(attempt())).toBe('NOT_FOUND');
    }
    // Offering a service in A's community, which B does not serve, is refused too.
    expect(
      await codeOf(
        bOwner.merchant.services.create({
          titleZh: '午餐',
          titleEn: 'Lunch',
          descriptionZh: '',
          descriptionEn: '',
          priceFen: 2000,
          pricingUnit: 'per_meal',
          minQuantity: 1,
          maxQuantity: 5,
          durationMinutes: 30,
          freeCancelMinutes: 60,
          lateCancelFeeBps: 5000,
          bookingCutoffMinutes: 60,
          communityIds: [a.community.id],
        }),
      ),
    ).toBe('BAD_REQUEST');

    // A's data is exactly as it was.
    const [service] = await deps.db.select().from(services).where(eq(services.id, a.service.id));
    expect(service).toMatchObject({ titleZh: '日常保洁', priceFen: 5000, active: true });
    const aSlots = await deps.db.select().from(slots).where(eq(slots.serviceId, a.service.id));
    expect(aSlots.map((s) => [s.capacity, s.booked, s.closed])).toEqual([[4, 1, false]]);
    const mine = await callerFor(deps, a.owner.id);
    expect((await mine.merchant.orders.get({ id: order.id })).status).toBe('paid');
  });

  it('shows each owner only their own earnings and statements', async () => {
    const seed = await seedEligibleOrders(deps.db, { merchants: 2, orders: 9 });
    const run = await buildStatements(deps.db, { merchantIds: seed.merchantIds });
    const [a, b] = await Promise.all(
      seed.merchantIds.map(async (merchantId) => {
        const owner = await deps.factories.createMerchantStaff(merchantId);
        const statement = run.statements.find((s) => s.merchantId === merchantId)!;
        return { caller: await callerFor(deps, owner.id), statement };
      }),
    );
    for (const [me, them] of [
      [a!, b!],
      [b!, a!],
    ] as const) {
      const listed = await me.caller.merchant.statements.list({ limit: 20 });
      expect(listed.items.map((s) => s.id)).toEqual([me.statement.id]);
      expect(await codeOf(me.caller.merchant.statements.get({ id: them.statement.id }))).toBe(
        'NOT_FOUND',
      );
      expect((await me.caller.merchant.earnings()).payingFen).toBe(me.statement.payoutFen);
    }
    expect(a!.statement.payoutFen).not.toBe(b!.statement.payoutFen);
  });

  it('refuses residents and property staff, and asks anonymous callers to sign in', async () => {
    const f = deps.factories;
    const a = await f.createMarketplace();
    const auditor = await f.createPropertyUser(a.community.companyId, 'property_auditor');
    const ops = await f.createPropertyUser(a.community.companyId, 'property_ops');
    const calls = (c: Awaited<ReturnType<typeof callerFor>>) => [
      () => c.merchant.profile(),
      () => c.merchant.services.list(),
      () => c.merchant.services.get({ id: a.service.id }),
      () => c.merchant.schedule.slots({ serviceId: a.service.id, ...week() }),
      () => c.merchant.schedule.setCapacity({ slotId: a.service.id, capacity: 1 }),
      () => c.merchant.reviews.list(),
      () => c.merchant.orders.live(),
    ];
    for (const userId of [a.resident.id, auditor.id, ops.id]) {
      const caller = await callerFor(deps, userId);
      for (const call of calls(caller)) expect(await codeOf(call())).toBe('FORBIDDEN');
    }
    for (const call of calls(await callerFor(deps))) {
      expect(await codeOf(call())).toBe('UNAUTHORIZED');
    }
  });
});
