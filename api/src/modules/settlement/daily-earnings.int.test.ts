import { orders } from '@cgp/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookSlot,
  callerFor,
  createTestDeps,
  orderSlotStartsIn,
  payOrder,
  type TestDeps,
} from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

describe('merchant.earningsByDay', () => {
  it("counts the merchant's share of what it finished each business day, earned or awaiting confirmation", async () => {
    const f = deps.factories;
    const market = await f.createMarketplace();
    const owner = await callerFor(deps, market.owner.id);
    const resident = await callerFor(deps, market.resident.id);
    const slot = await f.createSlot({ serviceId: market.service.id, capacity: 10 });
    const finished = async () => {
      const own = await f.createSlot({ serviceId: market.service.id });
      const order = await bookSlot(deps, market.resident.id, own.id);
      await payOrder(deps, order.id);
      await orderSlotStartsIn(deps, order.id, 10);
      await owner.merchant.orders.accept({ id: order.id });
      await owner.merchant.orders.start({ id: order.id });
      await owner.merchant.orders.complete({ id: order.id });
      const [row] = await deps.db.select().from(orders).where(eq(orders.id, order.id));
      return row!;
    };
    const confirmed = await finished();
    await resident.order.confirm({ id: confirmed.id });
    await finished(); // awaiting the resident's confirmation
    const yesterday = await finished();
    await deps.db
      .update(orders)
      .set({ completedAt: sql`${orders.completedAt} - interval '1 day'` })
      .where(eq(orders.id, yesterday.id));
    // Paid but not yet served: not earnings of any day.
    const open = await bookSlot(deps, market.resident.id, slot.id);
    await payOrder(deps, open.id);
    // Another merchant's work never shows.
    const other = await f.createMarketplace();
    const elsewhere = await bookSlot(
      deps,
      other.resident.id,
      (await f.createSlot({ serviceId: other.service.id })).id,
    );
    await payOrder(deps, elsewhere.id);

    const [earned] = await deps.db.select().from(orders).where(eq(orders.id, confirmed.id));
    const share = earned!.merchantShareFen!;
    expect(share).toBe(Math.round(earned!.totalFen * 0.7));

    const result = await owner.merchant.earningsByDay({ days: 7 });
    expect(result.days).toHaveLength(7);
    expect(result.days.at(-1)!.date).toBe(result.today);
    expect(result.todayTotal).toEqual({
      date: result.today,
      earnedFen: share,
      pendingFen: share,
      orderCount: 2,
    });
    const before = result.days.at(-2)!;
    expect(before).toMatchObject({ earnedFen: 0, pendingFen: share, orderCount: 1 });
    expect(result.days.slice(0, -2).every((d) => d.orderCount === 0)).toBe(true);

    // The owner's to see, like the other earnings; staff are refused and bad input is a 400.
    const staff = await callerFor(
      deps,
      (await f.createMerchantStaff(market.merchant.id, 'staff')).id,
    );
    await expect(staff.merchant.earningsByDay({ days: 7 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(owner.merchant.earningsByDay({ days: 1000 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
