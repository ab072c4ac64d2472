import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestDeps, type TestDeps } from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof TRPCError ? e.code : 'not a TRPCError'),
  );

describe('catalog community scoping', () => {
  it('shows residents only the active services offered in their own community', async () => {
    const f = deps.factories;
    const here = await f.createMarketplace();
    const elsewhere = await f.createMarketplace({ category: 'meal_delivery' });
    const inactive = await f.createService({
      merchantId: here.merchant.id,
      communityIds: [here.community.id],
      active: false,
    });

    const mine = await (await callerFor(deps, here.resident.id)).catalog.services();
    expect(mine.items.map((s) => s.id)).toEqual([here.service.id]);
    expect(mine.items[0]).toMatchObject({ priceFen: 5000, merchant: { name: '测试商户' } });
    expect(Number.isInteger(mine.items[0]!.priceFen)).toBe(true);

    const theirs = await (await callerFor(deps, elsewhere.resident.id)).catalog.services();
    expect(theirs.items.map((s) => s.id)).toEqual([elsewhere.service.id]);

    // Another community's service and an inactive one are invisible, by id too.
    const asHere = await callerFor(deps, here.resident.id);
    expect(await code(asHere.catalog.service({ id: elsewhere.service.id }))).toBe('NOT_FOUND');
    expect(await code(asHere.catalog.service({ id: inactive.id }))).toBe('NOT_FOUND');
    expect(await code(asHere.catalog.services({ communityId: elsewhere.community.id }))).toBe(
      'FORBIDDEN',
    );
    const from = new Date().toISOString();
    const to = new Date(Date.now() + 7 * 86_400_000).toISOString();
    expect(await code(asHere.catalog.slots({ serviceId: elsewhere.service.id, from, to }))).toBe(
      'NOT_FOUND',
    );
  });

  it('hides services of merchants that are not approved', async () => {
    const { resident, merchant } = await deps.factories.createMarketplace();
    const { merchants } = await import('@cgp/db');
    const { eq } = await import('drizzle-orm');
    await deps.db
      .update(merchants)
      .set({ status: 'suspended' })
      .where(eq(merchants.id, merchant.id));
    const list = await (await callerFor(deps, resident.id)).catalog.services();
    expect(list.items).toEqual([]);
  });

  it('shows merchant staff their own services and property staff their company’s', async () => {
    const f = deps.factories;
    const a = await f.createMarketplace();
    const b = await f.createMarketplace();
    const ownerView = await (await callerFor(deps, a.owner.id)).catalog.services();
    expect(ownerView.items.map((s) => s.id)).toEqual([a.service.id]);

    const auditor = await f.createPropertyUser(b.community.companyId, 'property_auditor');
    const auditView = await (await callerFor(deps, auditor.id)).catalog.services();
    expect(auditView.items.map((s) => s.id)).toEqual([b.service.id]);
  });

  it('filters by category and pages with a cursor', async () => {
    const f = deps.factories;
    const { community, merchant, resident, service } = await f.createMarketplace();
    const meals = [];
    for (let i = 0; i < 5; i++) {
      meals.push(
        await f.createService({
          merchantId: merchant.id,
          communityIds: [community.id],
          category: 'meal_delivery',
          pricingUnit: 'per_meal',
          titleZh: `午餐${i}`,
        }),
      );
    }
    const caller = await callerFor(deps, resident.id);
    const onlyMeals = await caller.catalog.services({ category: 'meal_delivery', limit: 100 });
    expect(onlyMeals.items.map((s) => s.id).sort()).toEqual(meals.map((m) => m.id).sort());

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await caller.catalog.services({ limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual([service.id, ...meals.map((m) => m.id)].sort());
    expect(await code(caller.catalog.services({ cursor: 'garbage' }))).toBe('BAD_REQUEST');
    // Well-formed, but its sort key is not a time (PostgreSQL would read this one as one).
    const forged = Buffer.from(JSON.stringify(['yesterday', service.id])).toString('base64url');
    expect(await code(caller.catalog.services({ cursor: forged }))).toBe('BAD_REQUEST');
  });
});

describe('catalog.slots', () => {
  it('lists slots in the range with remaining capacity and whether they can be booked', async () => {
    const f = deps.factories;
    const { service, resident } = await f.createMarketplace();
    const soon = await f.createSlot({ serviceId: service.id, startsInMinutes: 30 }); // inside the 60-min cut-off
    const open = await f.createSlot({
      serviceId: service.id,
      startsInMinutes: 24 * 60,
      capacity: 3,
      booked: 1,
    });
    const full = await f.createSlot({
      serviceId: service.id,
      startsInMinutes: 48 * 60,
      capacity: 2,
      booked: 2,
    });
    await f.createSlot({ serviceId: service.id, startsInMinutes: 40 * 24 * 60 }); // outside the range

    const caller = await callerFor(deps, resident.id);
    const result = await caller.catalog.slots({
      serviceId: service.id,
      from: new Date().toISOString(),
      to: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    });
    expect(result.items.map((s) => [s.id, s.remaining, s.bookable])).toEqual([
      [soon.id, 5, false],
      [open.id, 2, true],
      [full.id, 0, false],
    ]);
    expect(result.items[1]).toMatchObject({
      capacity: 3,
      booked: 1,
      startsAt: open.startsAt.toISOString(),
    });
    expect(result.nextCursor).toBeNull();
  });

  it('pages with a cursor, answers an empty range with no slots, and hides what the caller may not see', async () => {
    const f = deps.factories;
    const { service, resident, merchant } = await f.createMarketplace();
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        await f.createSlot({ serviceId: service.id, startsInMinutes: (i + 2) * 24 * 60 }),
      );
    }
    const caller = await callerFor(deps, resident.id);
    const range = {
      serviceId: service.id,
      from: new Date().toISOString(),
      to: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    };
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await caller.catalog.slots({ ...range, limit: 2, cursor });
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(created.map((s) => s.id));

    const past = {
      ...range,
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: range.from,
    };
    expect(await caller.catalog.slots(past)).toEqual({ items: [], nextCursor: null });

    // The merchant's staff see their own service's slots; another community's resident sees none.
    const staff = await f.createUser({
      role: 'merchant_staff',
      displayName: '店员',
      merchantId: merchant.id,
      merchantRole: 'staff',
    });
    expect((await (await callerFor(deps, staff.id)).catalog.slots(range)).items).toHaveLength(5);
    const stranger = await f.createResident();
    expect(await code((await callerFor(deps, stranger.id)).catalog.slots(range))).toBe('NOT_FOUND');
  });

  it('refuses reversed or over-long ranges and malformed dates', async () => {
    const { service, resident } = await deps.factories.createMarketplace();
    const caller = await callerFor(deps, resident.id);
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    for (const input of [
      { serviceId: service.id, from: iso(now), to: iso(now - 1) },
      { serviceId: service.id, from: iso(now), to: iso(now + 40 * 86_400_000) },
      { serviceId: service.id, from: 'tomorrow', to: iso(now) },
      { serviceId: 'not-a-uuid', from: iso(now), to: iso(now + 1000) },
    ]) {
      expect(await code(caller.catalog.slots(input))).toBe('BAD_REQUEST');
    }
  });

  it('requires a signed-in caller', async () => {
    const anonymous = await callerFor(deps);
    expect(await code(anonymous.catalog.services())).toBe('UNAUTHORIZED');
  });
});
