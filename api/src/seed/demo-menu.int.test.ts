import { services, slots, users } from '@cgp/db';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callerFor, createTestDeps, type TestDeps } from '../testing';
import { seedDemo } from './demo';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
  await seedDemo(deps.db);
});
afterAll(() => deps.teardown());

it('gives 速达外卖 a lunch menu the demo resident orders three dishes from in one delivery window', async () => {
  const [resident] = await deps.db.select().from(users).where(eq(users.phone, '13800000001'));
  const [lunch] = await deps.db.select().from(services).where(eq(services.titleZh, '营养午餐'));
  const caller = await callerFor(deps, resident!.id);
  const menu = (await caller.catalog.menu({ serviceId: lunch!.id })).items;
  expect(menu.length).toBeGreaterThanOrEqual(5);
  expect(menu.filter((d) => !d.available).map((d) => d.nameZh)).toEqual(['卤鸡腿']);
  const dinner = await deps.db.select().from(services).where(eq(services.titleZh, '家常晚餐'));
  expect((await caller.catalog.menu({ serviceId: dinner[0]!.id })).items.length).toBeGreaterThan(3);

  const [window] = await deps.db
    .select()
    .from(slots)
    .where(and(eq(slots.serviceId, lunch!.id), gt(slots.startsAt, sql`now() + interval '3 hours'`)))
    .orderBy(asc(slots.startsAt))
    .limit(1);
  const [a, b, c] = menu.filter((d) => d.available);
  const order = await caller.booking.create({
    slotId: window!.id,
    quantity: 4,
    items: [
      { dishId: a!.id, quantity: 2 },
      { dishId: b!.id, quantity: 1 },
      { dishId: c!.id, quantity: 1 },
    ],
    idempotencyKey: randomUUID(),
  });
  expect(order.lines).toHaveLength(3);
  expect(order.totalFen).toBe(2 * a!.priceFen + b!.priceFen + c!.priceFen);
});
