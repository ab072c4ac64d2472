import { startApiServer, type ApiServer } from '@cgp/api';
import { createMealMenu, createTestDeps, tokenFor, type TestDeps } from '@cgp/api/testing';
import { orderItems, orders, slots } from '@cgp/db';
import { eq, inArray } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';

let deps: TestDeps;
let api: ApiServer;
beforeAll(async () => {
  deps = await createTestDeps();
  api = await startApiServer(deps, 0);
});
afterAll(async () => {
  await api.close();
  await deps.teardown();
});

type Cart = { dishId: string; quantity: number }[];

function book(token: string, slotId: string, items: Cart) {
  return fetch(`http://127.0.0.1:${api.port}/trpc/booking.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      slotId,
      quantity: items.reduce((n, i) => n + i.quantity, 0),
      items,
      idempotencyKey: randomUUID(),
    }),
  }).then(async (res) => ({
    status: res.status,
    body: (await res.json()) as {
      result?: { data: { id: string } };
      error?: { data: { code: string; reason?: string } };
    },
  }));
}

it('holds a delivery window to its portions exactly: 200 simultaneous carts over HTTP', async () => {
  const market = await createMealMenu(deps, [
    { nameZh: '红烧肉饭', priceFen: 2_450 },
    { nameZh: '番茄蛋汤', priceFen: 800 },
    { nameZh: '清炒时蔬', priceFen: 1_200 },
  ]);
  const [pork, soup, greens] = market.dishes.map((d) => d.id) as [string, string, string];
  // 51 portions; every cart below is 2 portions, made up differently: exactly 25 fit, one is left.
  const slot = await deps.factories.createSlot({ serviceId: market.service.id, capacity: 51 });
  const carts: Cart[] = [
    [{ dishId: pork, quantity: 2 }],
    [
      { dishId: pork, quantity: 1 },
      { dishId: soup, quantity: 1 },
    ],
    [
      { dishId: soup, quantity: 1 },
      { dishId: greens, quantity: 1 },
    ],
    [{ dishId: greens, quantity: 2 }],
  ];
  const residents = await Promise.all(
    Array.from({ length: 50 }, () =>
      deps.factories.createResident({ community: market.community }),
    ),
  );
  const tokens = await Promise.all(residents.map((r) => tokenFor(deps, r.id)));

  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      book(tokens[i % tokens.length]!, slot.id, carts[i % carts.length]!),
    ),
  );

  const statuses = new Map<number, number>();
  for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  expect(Object.fromEntries(statuses)).toEqual({ 200: 25, 409: 175 });
  expect(
    results.filter((r) => r.status === 409).every((r) => r.body.error?.data.code === 'CONFLICT'),
  ).toBe(true);
  const made = await deps.db.select().from(orders).where(eq(orders.slotId, slot.id));
  expect(made).toHaveLength(25);
  expect(made.every((o) => o.quantity === 2 && o.seats === 2)).toBe(true);
  const lines = await deps.db
    .select()
    .from(orderItems)
    .where(
      inArray(
        orderItems.orderId,
        made.map((o) => o.id),
      ),
    );
  // Lines only for orders that were made, adding up to their portions and totals.
  expect(lines.reduce((n, l) => n + l.quantity, 0)).toBe(50);
  for (const o of made) {
    const own = lines.filter((l) => l.orderId === o.id);
    expect(own.reduce((s, l) => s + l.lineTotalFen, 0)).toBe(o.totalFen);
  }
  const [row] = await deps.db.select().from(slots).where(eq(slots.id, slot.id));
  expect(row!.booked).toBe(50);

  // One portion is left: a 2-portion cart is refused saying so, a 1-portion cart takes it.
  const tooBig = await book(tokens[0]!, slot.id, carts[0]!);
  expect(tooBig.status).toBe(409);
  const last = await book(tokens[0]!, slot.id, [{ dishId: soup, quantity: 1 }]);
  expect(last.status).toBe(200);
  const [full] = await deps.db.select().from(slots).where(eq(slots.id, slot.id));
  expect(full!.booked).toBe(51);
}, 120_000);
