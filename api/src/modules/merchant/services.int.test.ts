import { merchantCommunities, serviceCommunities, services } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestDeps, type TestDeps } from '../../testing';

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

const serviceCount = async () => (await deps.db.select({ id: services.id }).from(services)).length;

function fields(communityIds: string[]) {
  return {
    titleZh: '空调清洗',
    titleEn: 'Air-conditioner cleaning',
    descriptionZh: '挂机与柜机内外清洗。',
    priceFen: 12_800,
    pricingUnit: 'per_visit' as const,
    minQuantity: 1,
    maxQuantity: 3,
    durationMinutes: 90,
    freeCancelMinutes: 720,
    lateCancelFeeBps: 1500,
    bookingCutoffMinutes: 240,
    communityIds,
  };
}

describe('merchant.services', () => {
  it('lets an owner create, edit, withdraw and relist a service that residents then see', async () => {
    const f = deps.factories;
    const market = await f.createMarketplace();
    const second = await f.createCommunity({ companyId: market.community.companyId });
    await deps.db
      .insert(merchantCommunities)
      .values({ merchantId: market.merchant.id, communityId: second.id });
    const owner = await callerFor(deps, market.owner.id);

    const created = await owner.merchant.services.create(fields([market.community.id]));
    expect(created).toMatchObject({
      titleZh: '空调清洗',
      priceFen: 12_800,
      category: 'housekeeping', // the merchant's own category
      active: true,
      communityIds: [market.community.id],
      merchant: { id: market.merchant.id },
    });
    const resident = await callerFor(deps, market.resident.id);
    expect((await resident.catalog.service({ id: created.id })).titleEn).toBe(
      'Air-conditioner cleaning',
    );

    const updated = await owner.merchant.services.update({
      ...fields([second.id, market.community.id]),
      id: created.id,
      priceFen: 9_900,
      lateCancelFeeBps: 0,
    });
    expect(updated).toMatchObject({ priceFen: 9_900, lateCancelFeeBps: 0 });
    expect([...updated.communityIds].sort()).toEqual([market.community.id, second.id].sort());

    await owner.merchant.services.setActive({ id: created.id, active: false });
    expect(await codeOf(resident.catalog.service({ id: created.id }))).toBe('NOT_FOUND');
    // The merchant still sees a withdrawn service, and can list it again.
    const list = await owner.merchant.services.list();
    expect(list.items.find((s) => s.id === created.id)?.active).toBe(false);
    await owner.merchant.services.setActive({ id: created.id, active: true });
    expect((await resident.catalog.service({ id: created.id })).priceFen).toBe(9_900);
  });

  it('takes a service without an English name, which then reads as empty for the apps to fall back', async () => {
    const market = await deps.factories.createMarketplace();
    const owner = await callerFor(deps, market.owner.id);
    const chineseOnly: Partial<ReturnType<typeof fields>> = fields([market.community.id]);
    delete chineseOnly.titleEn;
    const created = await owner.merchant.services.create(chineseOnly as ReturnType<typeof fields>);
    expect(created).toMatchObject({ titleZh: '空调清洗', titleEn: '' });
    const resident = await callerFor(deps, market.resident.id);
    expect((await resident.catalog.service({ id: created.id })).titleEn).toBe('');
    // Blank is the same as none; too long is refused.
    const blank = await owner.merchant.services.update({
      ...fields([market.community.id]),
      id: created.id,
      titleEn: '   ',
    });
    expect(blank.titleEn).toBe('');
    expect(
      await codeOf(
        owner.merchant.services.create({
          ...fields([market.community.id]),
          titleEn: 'x'.repeat(101),
        }),
      ),
    ).toBe('BAD_REQUEST');
  });

  it('refuses communities the merchant does not serve, writing nothing', async () => {
    const f = deps.factories;
    const market = await f.createMarketplace();
    const elsewhere = await f.createCommunity({ companyId: market.community.companyId });
    const owner = await callerFor(deps, market.owner.id);
    const before = await serviceCount();

    const error = await owner.merchant.services
      .create(fields([market.community.id, elsewhere.id]))
      .catch((e: unknown) => e as TRPCError);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect(((error as TRPCError).cause as { reason?: string }).reason).toBe('community_not_served');
    expect(await serviceCount()).toBe(before);

    // An update that would move the service there changes nothing either.
    expect(
      await codeOf(
        owner.merchant.services.update({
          ...fields([elsewhere.id]),
          id: market.service.id,
          priceFen: 1,
        }),
      ),
    ).toBe('BAD_REQUEST');
    const [unchanged] = await deps.db
      .select()
      .from(services)
      .where(eq(services.id, market.service.id));
    expect(unchanged!.priceFen).toBe(5000);
    const offered = await deps.db
      .select()
      .from(serviceCommunities)
      .where(eq(serviceCommunities.serviceId, market.service.id));
    expect(offered.map((r) => r.communityId)).toEqual([market.community.id]);
  });

  it('answers malformed terms with BAD_REQUEST and writes nothing', async () => {
    const market = await deps.factories.createMarketplace();
    const owner = await callerFor(deps, market.owner.id);
    const good = fields([market.community.id]);
    const before = await serviceCount();
    for (const bad of [
      { ...good, priceFen: 0 },
      { ...good, priceFen: 12.5 },
      { ...good, priceFen: -100 },
      { ...good, lateCancelFeeBps: 10_001 },
      { ...good, minQuantity: 3, maxQuantity: 2 },
      { ...good, titleZh: '   ' },
      { ...good, communityIds: [] },
      { ...good, communityIds: ['not-a-uuid'] },
      { ...good, pricingUnit: 'per_year' },
      { ...good, durationMinutes: 0 },
    ]) {
      expect(await codeOf(owner.merchant.services.create(bad as typeof good))).toBe('BAD_REQUEST');
    }
    expect(await serviceCount()).toBe(before);
  });

  it('lets staff read the services but not change them', async () => {
    const f = deps.factories;
    const market = await f.createMarketplace();
    const staff = await callerFor(
      deps,
      (await f.createMerchantStaff(market.merchant.id, 'staff')).id,
    );
    expect((await staff.merchant.services.list()).items.map((s) => s.id)).toEqual([
      market.service.id,
    ]);
    expect((await staff.merchant.services.get({ id: market.service.id })).id).toBe(
      market.service.id,
    );
    expect(await codeOf(staff.merchant.services.create(fields([market.community.id])))).toBe(
      'FORBIDDEN',
    );
    expect(
      await codeOf(staff.merchant.services.setActive({ id: market.service.id, active: false })),
    ).toBe('FORBIDDEN');
    expect((await staff.merchant.profile()).role).toBe('staff');
  });

  it('shows the merchant profile with the communities it serves', async () => {
    const market = await deps.factories.createMarketplace();
    const profile = await (await callerFor(deps, market.owner.id)).merchant.profile();
    expect(profile).toMatchObject({
      id: market.merchant.id,
      name: '测试商户',
      category: 'housekeeping',
      role: 'owner',
      communities: [{ id: market.community.id, name: '测试小区' }],
    });
  });
});
