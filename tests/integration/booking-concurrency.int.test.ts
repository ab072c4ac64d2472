import { startApiServer, type ApiServer } from '@cgp/api';
import { createTestDeps, tokenFor, type TestDeps } from '@cgp/api/testing';
import { orders, slots } from '@cgp/db';
import { eq } from 'drizzle-orm';
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

function book(token: string, slotId: string, idempotencyKey: string) {
  return fetch(`http://127.0.0.1:${api.port}/trpc/booking.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ slotId, quantity: 1, idempotencyKey }),
  }).then(async (res) => ({
    status: res.status,
    body: (await res.json()) as { error?: { data: { code: string } } },
  }));
}

it('never oversells: 1,000 simultaneous bookings over HTTP on a slot of capacity 5', async () => {
  const f = deps.factories;
  const { service, community } = await f.createMarketplace();
  const slot = await f.createSlot({ serviceId: service.id, capacity: 5 });
  // Fifty residents, twenty attempts each, all at once.
  const residents = await Promise.all(
    Array.from({ length: 50 }, () => f.createResident({ community })),
  );
  const tokens = await Promise.all(residents.map((r) => tokenFor(deps, r.id)));
  const results = await Promise.all(
    Array.from({ length: 1000 }, (_, i) => book(tokens[i % tokens.length]!, slot.id, randomUUID())),
  );

  const statuses = new Map<number, number>();
  for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  expect(Object.fromEntries(statuses)).toEqual({ 200: 5, 409: 995 });
  expect(
    results.filter((r) => r.status === 409).every((r) => r.body.error?.data.code === 'CONFLICT'),
  ).toBe(true);
  expect(await deps.db.select().from(orders).where(eq(orders.slotId, slot.id))).toHaveLength(5);
  const [row] = await deps.db.select().from(slots).where(eq(slots.id, slot.id));
  expect(row!.booked).toBe(5);
}, 120_000);

it('makes one order from the same idempotency key sent 20 times at once over HTTP', async () => {
  const { service, resident } = await deps.factories.createMarketplace();
  const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: 50 });
  const token = await tokenFor(deps, resident.id);
  const key = randomUUID();
  const results = await Promise.all(Array.from({ length: 20 }, () => book(token, slot.id, key)));
  expect(results.every((r) => r.status === 200)).toBe(true);
  const ids = new Set(
    results.map((r) => (r.body as unknown as { result: { data: { id: string } } }).result.data.id),
  );
  expect(ids.size).toBe(1);
  expect(await deps.db.select().from(orders).where(eq(orders.slotId, slot.id))).toHaveLength(1);
});
