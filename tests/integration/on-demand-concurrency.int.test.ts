import { startApiServer, type ApiServer } from '@cgp/api';
import { createTestDeps, tokenFor, type TestDeps } from '@cgp/api/testing';
import { orders, services, workers } from '@cgp/db';
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

function bookNow(token: string, serviceId: string) {
  return fetch(`http://127.0.0.1:${api.port}/trpc/booking.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      mode: 'on_demand',
      serviceId,
      quantity: 1,
      careRecipient: { name: '张奶奶', age: 82, needs: '陪伴' },
      idempotencyKey: randomUUID(),
    }),
  }).then(async (res) => ({
    status: res.status,
    body: (await res.json()) as {
      error?: { message: string; data: { code: string; reason?: string } };
    },
  }));
}

it('gives 200 simultaneous on-demand bookings against 3 free workers exactly 3 orders', async () => {
  const f = deps.factories;
  const { service, community, merchant } = await f.createMarketplace({
    category: 'temporary_care',
  });
  await deps.db.update(services).set({ onDemand: true }).where(eq(services.id, service.id));
  for (let i = 0; i < 3; i++) {
    const staff = await f.createMerchantStaff(merchant.id, 'staff');
    await deps.db
      .insert(workers)
      .values({ merchantId: merchant.id, userId: staff.id, categories: ['temporary_care'] });
  }
  const residents = await Promise.all(
    Array.from({ length: 40 }, () => f.createResident({ community })),
  );
  const tokens = await Promise.all(residents.map((r) => tokenFor(deps, r.id)));
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) => bookNow(tokens[i % tokens.length]!, service.id)),
  );

  const statuses = new Map<number, number>();
  for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  expect(Object.fromEntries(statuses)).toEqual({ 200: 3, 409: 197 });
  const refused = results.filter((r) => r.status === 409);
  expect(refused.every((r) => r.body.error?.data.reason === 'no_worker_available')).toBe(true);
  expect(refused[0]!.body.error?.message).toBe(
    'No one is available right now; please try again shortly or book a time slot',
  );

  const placed = await deps.db.select().from(orders).where(eq(orders.serviceId, service.id));
  expect(placed).toHaveLength(3);
  expect(new Set(placed.map((o) => o.workerId)).size).toBe(3);
  expect(placed.every((o) => o.mode === 'on_demand' && o.status === 'pending_payment')).toBe(true);
}, 120_000);
