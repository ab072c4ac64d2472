import argon2 from 'argon2';
import { randomInt } from 'node:crypto';
import type { DbOrTx } from '../client';
import {
  buildings,
  communities,
  merchantCommunities,
  merchants,
  propertyCompanies,
  serviceCommunities,
  services,
  slots,
  units,
  users,
} from '../schema/index';

export const TEST_PASSWORD = 'test-pass-1234';

const hashes = new Map<string, Promise<string>>();
/** argon2id is slow on purpose; tests hash each distinct password once. */
function hashOnce(password: string): Promise<string> {
  let hash = hashes.get(password);
  if (!hash) {
    hash = argon2.hash(password, { type: argon2.argon2id });
    hashes.set(password, hash);
  }
  return hash;
}

/** A mobile number nobody else in the test database has. */
export function uniquePhone(prefix = '15'): string {
  return `${prefix}${String(randomInt(0, 10 ** 9)).padStart(9, '0')}`;
}

let roomCounter = 0;

type Category = (typeof services.$inferInsert)['category'];

/** Row factories for tests: each takes overrides and fills the rest with valid data. */
export function createFactories(db: DbOrTx) {
  async function createCompany(overrides: Partial<typeof propertyCompanies.$inferInsert> = {}) {
    const [row] = await db
      .insert(propertyCompanies)
      .values({ name: '测试物业', ...overrides })
      .returning();
    return row!;
  }

  async function createCommunity(
    overrides: Partial<typeof communities.$inferInsert> & { buildings?: number } = {},
  ) {
    const { buildings: buildingCount = 2, ...values } = overrides;
    const companyId = values.companyId ?? (await createCompany()).id;
    const [community] = await db
      .insert(communities)
      .values({ name: '测试小区', ...values, companyId })
      .returning();
    const rows = await db
      .insert(buildings)
      .values(
        Array.from({ length: buildingCount }, (_, i) => ({
          communityId: community!.id,
          number: i + 1,
          name: `${i + 1}号楼`,
        })),
      )
      .returning();
    return { ...community!, buildings: rows };
  }

  async function createUnit(community: Awaited<ReturnType<typeof createCommunity>>, room?: string) {
    const building = community.buildings[0]!;
    const roomNo = room ?? String(1000 + ++roomCounter);
    const [row] = await db
      .insert(units)
      .values({
        buildingId: building.id,
        communityId: community.id,
        room: roomNo,
        label: `${building.number}-${roomNo}`,
      })
      .returning();
    return row!;
  }

  async function createUser(
    values: Omit<typeof users.$inferInsert, 'passwordHash' | 'phone'> & {
      phone?: string;
      password?: string;
    },
  ) {
    const { password = TEST_PASSWORD, phone = uniquePhone(), ...rest } = values;
    const [row] = await db
      .insert(users)
      .values({ ...rest, phone, passwordHash: await hashOnce(password) })
      .returning();
    return { ...row!, password };
  }

  async function createResident(
    options: { community?: Awaited<ReturnType<typeof createCommunity>>; phone?: string } = {},
  ) {
    const community = options.community ?? (await createCommunity());
    const unit = await createUnit(community);
    const user = await createUser({
      role: 'resident',
      displayName: `住户${unit.label}`,
      unitId: unit.id,
      phone: options.phone,
    });
    return { ...user, unit, community };
  }

  async function createMerchant(options: {
    communityIds: string[];
    companyId: string;
    name?: string;
    category?: Category;
  }) {
    const [merchant] = await db
      .insert(merchants)
      .values({
        companyId: options.companyId,
        name: options.name ?? '测试商户',
        category: options.category ?? 'housekeeping',
        status: 'approved',
      })
      .returning();
    if (options.communityIds.length) {
      await db
        .insert(merchantCommunities)
        .values(
          options.communityIds.map((communityId) => ({ merchantId: merchant!.id, communityId })),
        );
    }
    return merchant!;
  }

  async function createMerchantStaff(
    merchantId: string,
    merchantRole: 'owner' | 'staff' = 'owner',
  ) {
    return createUser({
      role: 'merchant_staff',
      displayName: '商户员工',
      merchantId,
      merchantRole,
    });
  }

  async function createPropertyUser(companyId: string, role: 'property_auditor' | 'property_ops') {
    return createUser({
      role,
      displayName: role === 'property_ops' ? '物业运营' : '物业审计',
      companyId,
    });
  }

  async function createPlatformAdmin() {
    return createUser({ role: 'platform_admin', displayName: '平台运维' });
  }

  async function createService(
    options: Partial<typeof services.$inferInsert> & { merchantId: string; communityIds: string[] },
  ) {
    const { communityIds, ...values } = options;
    const [service] = await db
      .insert(services)
      .values({
        category: 'housekeeping',
        titleZh: '日常保洁',
        titleEn: 'Routine cleaning',
        priceFen: 5000,
        pricingUnit: 'per_hour',
        minQuantity: 1,
        maxQuantity: 4,
        durationMinutes: 60,
        ...values,
      })
      .returning();
    if (communityIds.length) {
      await db
        .insert(serviceCommunities)
        .values(communityIds.map((communityId) => ({ serviceId: service!.id, communityId })));
    }
    return service!;
  }

  async function createSlot(
    options: Partial<typeof slots.$inferInsert> & { serviceId: string; startsInMinutes?: number },
  ) {
    const { startsInMinutes = 24 * 60, ...values } = options;
    const startsAt = values.startsAt ?? new Date(Date.now() + startsInMinutes * 60_000);
    const [slot] = await db
      .insert(slots)
      .values({
        capacity: 5,
        ...values,
        startsAt,
        endsAt: values.endsAt ?? new Date(startsAt.getTime() + 2 * 3_600_000),
      })
      .returning();
    return slot!;
  }

  /** A community with one approved merchant, one service offered there, and a resident. */
  async function createMarketplace(options: { category?: Category } = {}) {
    const community = await createCommunity();
    const merchant = await createMerchant({
      companyId: community.companyId,
      communityIds: [community.id],
      category: options.category,
    });
    const owner = await createMerchantStaff(merchant.id, 'owner');
    const service = await createService({
      merchantId: merchant.id,
      communityIds: [community.id],
      category: options.category ?? 'housekeeping',
    });
    const resident = await createResident({ community });
    return { community, merchant, owner, service, resident };
  }

  return {
    createCompany,
    createCommunity,
    createUnit,
    createUser,
    createResident,
    createMerchant,
    createMerchantStaff,
    createPropertyUser,
    createPlatformAdmin,
    createService,
    createSlot,
    createMarketplace,
  };
}

export type Factories = ReturnType<typeof createFactories>;
