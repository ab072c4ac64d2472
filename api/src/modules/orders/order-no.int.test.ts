import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSlot, callerFor, createTestDeps, type TestDeps } from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

/** Today in Shanghai as YYMMDD, the prefix a number booked now carries. */
const shanghaiYymmdd = (at: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', dateStyle: 'short' })
    .format(at)
    .replaceAll('-', '')
    .slice(2);

describe('orderNo', () => {
  it('gives every booking a short, unique number dated by its Shanghai booking day', async () => {
    const { service, resident } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: 20 });
    const before = new Date();
    const booked = await Promise.all(
      Array.from({ length: 8 }, () => bookSlot(deps, resident.id, slot.id, { quantity: 1 })),
    );
    const numbers = booked.map((o) => o.orderNo);
    expect(new Set(numbers).size).toBe(8);
    for (const n of numbers) {
      expect(n).toMatch(/^\d{10,}$/);
      expect(n.slice(0, 6)).toBe(shanghaiYymmdd(before));
    }
    // The resident sees the same number when reading the order back.
    const caller = await callerFor(deps, resident.id);
    const read = await caller.order.get({ id: booked[0]!.id });
    expect(read.orderNo).toBe(numbers[0]);
  });

  it('dates a backfilled number by the order’s own booking time in Shanghai', async () => {
    // 2026-10-31 17:30 UTC is already 1 November 01:30 in Shanghai.
    const { rows } = await deps.db.execute<{ n: string }>(
      sql`SELECT next_order_no('2026-10-31T17:30:00Z'::timestamptz) AS n`,
    );
    expect(rows[0]!.n).toMatch(/^261101\d{4,}$/);
  });
});
