import {
  buildings,
  communities,
  familyMembers,
  merchantCommunities,
  merchants,
  propertyCompanies,
  serviceCommunities,
  services,
  units,
  users,
  workers,
  type Db,
} from '@cgp/db';
import { eq, sql } from 'drizzle-orm';
import { hashPassword } from '../modules/identity/password';
import { seedDemoHistory } from './demo-history';
import type { PhotoStore } from '../modules/uploads/photo-store';
import { seedDemoMenus } from './demo-menu';
import { seedDemoPhotos } from './demo-photos';
import type { DemoProcessor } from './demo-settlement';

export const DEMO_PASSWORD = 'demo1234';

type ServiceSeed = Omit<typeof services.$inferInsert, 'merchantId' | 'category'> & {
  /** Daily windows in business-local time, as [start, end, capacity]. */
  windows: [string, string, number][];
};

const MERCHANTS: {
  name: string;
  ownerPhone: string;
  category: 'housekeeping' | 'meal_delivery' | 'temporary_care';
  services: ServiceSeed[];
}[] = [
  {
    name: '阳光家政',
    ownerPhone: '13900000001',
    category: 'housekeeping',
    services: [
      {
        titleZh: '日常保洁',
        titleEn: 'Routine home cleaning',
        onDemand: true,
        descriptionZh: '客厅、卧室、厨房、卫生间的日常清洁，自带清洁工具。',
        descriptionEn:
          'Everyday cleaning of living room, bedrooms, kitchen and bathroom; tools included.',
        priceFen: 5000,
        pricingUnit: 'per_hour',
        minQuantity: 2,
        maxQuantity: 6,
        durationMinutes: 120,
        freeCancelMinutes: 240,
        lateCancelFeeBps: 2000,
        bookingCutoffMinutes: 120,
        windows: [
          ['09:00', '11:00', 3],
          ['14:00', '16:00', 3],
        ],
      },
      {
        titleZh: '深度保洁',
        titleEn: 'Deep cleaning',
        descriptionZh: '厨房油污、卫生间水垢、门窗玻璃的深度清洁，约4小时。',
        descriptionEn:
          'Degreasing the kitchen, descaling the bathroom and washing windows; about 4 hours.',
        priceFen: 39_900,
        pricingUnit: 'per_visit',
        minQuantity: 1,
        maxQuantity: 1,
        durationMinutes: 240,
        freeCancelMinutes: 24 * 60,
        lateCancelFeeBps: 3000,
        bookingCutoffMinutes: 12 * 60,
        windows: [['09:00', '13:00', 1]],
      },
    ],
  },
  {
    name: '速达外卖',
    ownerPhone: '13900000002',
    category: 'meal_delivery',
    services: [
      {
        titleZh: '营养午餐',
        titleEn: 'Nutritious lunch box',
        descriptionZh: '两荤两素一汤，少油少盐，适合老人和上班族。',
        descriptionEn: 'Two meat and two vegetable dishes with soup; light on oil and salt.',
        priceFen: 2800,
        pricingUnit: 'per_meal',
        minQuantity: 1,
        maxQuantity: 10,
        durationMinutes: 60,
        freeCancelMinutes: 120,
        lateCancelFeeBps: 5000,
        bookingCutoffMinutes: 90,
        windows: [['11:30', '12:30', 40]],
      },
      {
        titleZh: '家常晚餐',
        titleEn: 'Home-style dinner',
        descriptionZh: '每日更换菜单的家常晚餐，送餐上门。',
        descriptionEn: 'Home-style dinner with a daily menu, delivered to your door.',
        priceFen: 3200,
        pricingUnit: 'per_meal',
        minQuantity: 1,
        maxQuantity: 10,
        durationMinutes: 60,
        freeCancelMinutes: 120,
        lateCancelFeeBps: 5000,
        bookingCutoffMinutes: 90,
        windows: [['17:30', '18:30', 40]],
      },
    ],
  },
  {
    name: '爱帮看护',
    ownerPhone: '13900000003',
    category: 'temporary_care',
    services: [
      {
        titleZh: '老人陪护',
        titleEn: 'Elderly companionship',
        onDemand: true,
        descriptionZh: '持证护理员上门陪伴老人，协助用餐、服药和散步。',
        descriptionEn:
          'A certified carer keeps an elderly person company and helps with meals, medicine and walks.',
        priceFen: 6000,
        pricingUnit: 'per_hour',
        minQuantity: 2,
        maxQuantity: 8,
        durationMinutes: 240,
        freeCancelMinutes: 360,
        lateCancelFeeBps: 2500,
        bookingCutoffMinutes: 180,
        windows: [
          ['08:00', '12:00', 2],
          ['13:00', '17:00', 2],
        ],
      },
      {
        titleZh: '儿童托管',
        titleEn: 'Child minding',
        descriptionZh: '放学后看护与作业辅导，看护员均经过背景审查。',
        descriptionEn: 'After-school minding and homework help by background-checked carers.',
        priceFen: 5000,
        pricingUnit: 'per_hour',
        minQuantity: 1,
        maxQuantity: 4,
        durationMinutes: 180,
        freeCancelMinutes: 180,
        lateCancelFeeBps: 2000,
        bookingCutoffMinutes: 120,
        windows: [['16:00', '19:00', 3]],
      },
    ],
  },
];

export const DEMO_ACCOUNTS = [
  { phone: '13800000001', role: 'resident', who: '住户 1-101' },
  { phone: '13800000002', role: 'resident', who: '住户 2-202' },
  ...MERCHANTS.map((m) => ({ phone: m.ownerPhone, role: 'merchant_staff', who: `${m.name} 店主` })),
  { phone: '13700000001', role: 'property_auditor', who: '阳光物业 财务审计' },
  { phone: '13700000002', role: 'property_ops', who: '阳光物业 运营' },
  { phone: '13600000001', role: 'platform_admin', who: '平台运维' },
] as const;

/** 阳光物业's service desk (客服), which residents find in 我的. */
async function seedServiceDesk(db: Db, companyId: string) {
  await db
    .update(propertyCompanies)
    .set({ serviceDeskPhone: '0571-88886666', serviceDeskHours: '每天 8:00–20:00' })
    .where(eq(propertyCompanies.id, companyId));
}

/** Whether the database holds no company yet (the demo is seeded only into an empty one). */
export async function isEmpty(db: Db): Promise<boolean> {
  const rows = await db.select({ id: propertyCompanies.id }).from(propertyCompanies).limit(1);
  return rows.length === 0;
}

/** Workers (服务人员) who sign in to the worker view at /merchant/tasks. */
const WORKERS = [
  { merchant: '阳光家政', name: '王师傅', phone: '13910000001' },
  { merchant: '阳光家政', name: '刘阿姨', phone: '13910000002' },
  { merchant: '爱帮看护', name: '陈护工', phone: '13930000001' },
  { merchant: '爱帮看护', name: '周护工', phone: '13930000002' },
];

/**
 * Seeds SPEC §10's demo data in one transaction: 阳光物业, 阳光花园 with buildings 1–6, three
 * merchants with two services each, slots for 14 days from today, and the demo accounts. With
 * `history`, also the 60 days of service history the quality dashboard shows on first start
 * (tests that count from an empty past leave it out).
 */
export async function seedDemo(
  db: Db,
  options: {
    timeZone?: string;
    days?: number;
    history?: boolean;
    /** The payment processor the history's money goes through, and last month is settled with. */
    processor?: DemoProcessor;
    /** Where the services' demo photos are stored; without it the services have none. */
    photos?: PhotoStore;
  } = {},
) {
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const days = options.days ?? 14;
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  const seeded = await db.transaction(async (tx) => {
    const [company] = await tx.insert(propertyCompanies).values({ name: '阳光物业' }).returning();
    const [community] = await tx
      .insert(communities)
      .values({ companyId: company!.id, name: '阳光花园', address: '阳光路 88 号' })
      .returning();
    const blocks = await tx
      .insert(buildings)
      .values(
        [1, 2, 3, 4, 5, 6].map((n) => ({
          communityId: community!.id,
          number: n,
          name: `${n}号楼`,
          // 360° 服务圈: buildings 1–2 are next to the service centre, 3–4 near it, 5–6 beyond.
          ring: n <= 2 ? ('core' as const) : n <= 4 ? ('service' as const) : ('guarantee' as const),
        })),
      )
      .returning();
    const unitRows = await tx
      .insert(units)
      .values(
        blocks.flatMap((b) =>
          ['101', '102', '201', '202', '301', '302'].map((room) => ({
            buildingId: b.id,
            communityId: community!.id,
            room,
            label: `${b.number}-${room}`,
          })),
        ),
      )
      .returning();
    const unitId = (label: string) => unitRows.find((u) => u.label === label)!.id;

    const people = await tx
      .insert(users)
      .values([
        {
          phone: '13800000001',
          passwordHash,
          role: 'resident',
          displayName: '张阿姨',
          unitId: unitId('1-101'),
        },
        {
          phone: '13800000002',
          passwordHash,
          role: 'resident',
          displayName: '李先生',
          unitId: unitId('2-202'),
        },
        {
          phone: '13700000001',
          passwordHash,
          role: 'property_auditor',
          displayName: '王会计',
          companyId: company!.id,
        },
        {
          phone: '13700000002',
          passwordHash,
          role: 'property_ops',
          displayName: '赵经理',
          companyId: company!.id,
        },
        // The deployment's operator: queues and processor-wide reconciliation, no company.
        { phone: '13600000001', passwordHash, role: 'platform_admin', displayName: '平台运维' },
      ])
      .returning({ id: users.id, phone: users.phone });
    // 家人代订: the resident of 2-202 looks after the mother who lives at 1-101.
    await tx.insert(familyMembers).values({
      ownerId: people.find((p) => p.phone === '13800000002')!.id,
      communityId: community!.id,
      unitId: unitId('1-101'),
      name: '张桂兰',
      relation: '母亲',
      age: 78,
      needs: '腿脚不便，午饭后提醒服药',
      emergencyName: '李先生',
      emergencyPhone: '13800000002',
    });

    let serviceCount = 0;
    for (const seed of MERCHANTS) {
      const [merchant] = await tx
        .insert(merchants)
        .values({
          companyId: company!.id,
          name: seed.name,
          category: seed.category,
          status: 'approved',
          contactPhone: seed.ownerPhone,
        })
        .returning();
      await tx
        .insert(merchantCommunities)
        .values({ merchantId: merchant!.id, communityId: community!.id });
      await tx.insert(users).values({
        phone: seed.ownerPhone,
        passwordHash,
        role: 'merchant_staff',
        displayName: `${seed.name}店主`,
        merchantId: merchant!.id,
        merchantRole: 'owner',
      });
      for (const worker of WORKERS.filter((w) => w.merchant === seed.name)) {
        const [user] = await tx
          .insert(users)
          .values({
            phone: worker.phone,
            passwordHash,
            role: 'merchant_staff',
            displayName: worker.name,
            merchantId: merchant!.id,
            merchantRole: 'staff',
          })
          .returning({ id: users.id });
        await tx
          .insert(workers)
          .values({ merchantId: merchant!.id, userId: user!.id, categories: [seed.category] });
      }
      for (const { windows, ...service } of seed.services) {
        const [row] = await tx
          .insert(services)
          // Distinct creation times give the catalog a stable order (it pages by creation).
          .values({
            ...service,
            merchantId: merchant!.id,
            category: seed.category,
            createdAt: new Date(Date.now() + ++serviceCount),
          })
          .returning();
        await tx
          .insert(serviceCommunities)
          .values({ serviceId: row!.id, communityId: community!.id });
        for (const [start, end, capacity] of windows) {
          // One set-based insert per window: N days from today, local wall-clock times in the
          // business zone (today's still-open windows are bookable on first start).
          await tx.execute(sql`
            INSERT INTO slots (service_id, starts_at, ends_at, capacity)
            SELECT ${row!.id}::uuid,
                   ((d::date + ${start}::time) AT TIME ZONE ${timeZone}),
                   ((d::date + ${end}::time) AT TIME ZONE ${timeZone}),
                   ${capacity}::int
              FROM generate_series((now() AT TIME ZONE ${timeZone})::date,
                                   (now() AT TIME ZONE ${timeZone})::date + ${days}::int - 1,
                                   interval '1 day') AS d`);
        }
      }
    }
    const [ops] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(users.phone, '13700000002'));
    await seedDemoMenus(tx, company!.id);
    return { companyId: company!.id, communityId: community!.id, opsId: ops!.id };
  });
  await seedServiceDesk(db, seeded.companyId);
  if (options.photos) await seedDemoPhotos(db, options.photos, seeded.companyId);
  if (options.history) {
    await seedDemoHistory(
      db,
      { ...seeded, passwordHash },
      { timeZone, processor: options.processor },
    );
  }
  return { companyId: seeded.companyId, communityId: seeded.communityId };
}
