import { dishes, merchants, services, type DbOrTx } from '@cgp/db';
import { and, eq } from 'drizzle-orm';

/** The demo meal merchant's menus (SPEC §10), per service title, in menu order. */
const MENUS: Record<
  string,
  { nameZh: string; nameEn: string; priceFen: number; available?: boolean }[]
> = {
  营养午餐: [
    { nameZh: '红烧肉饭', nameEn: 'Braised pork with rice', priceFen: 2450 },
    { nameZh: '宫保鸡丁饭', nameEn: 'Kung pao chicken with rice', priceFen: 2200 },
    { nameZh: '番茄炒蛋饭', nameEn: 'Tomato and egg with rice', priceFen: 1800 },
    { nameZh: '清炒时蔬', nameEn: 'Stir-fried seasonal greens', priceFen: 1200 },
    { nameZh: '番茄蛋汤', nameEn: 'Tomato and egg soup', priceFen: 600 },
    { nameZh: '卤鸡腿', nameEn: 'Braised chicken leg', priceFen: 990, available: false },
  ],
  家常晚餐: [
    { nameZh: '糖醋排骨', nameEn: 'Sweet and sour spare ribs', priceFen: 3200 },
    { nameZh: '清蒸鲈鱼', nameEn: 'Steamed sea bass', priceFen: 3800 },
    { nameZh: '麻婆豆腐', nameEn: 'Mapo tofu', priceFen: 1600 },
    { nameZh: '蒜蓉西兰花', nameEn: 'Broccoli with garlic', priceFen: 1400 },
    { nameZh: '玉米排骨汤', nameEn: 'Corn and pork rib soup', priceFen: 1200 },
    { nameZh: '米饭', nameEn: 'Steamed rice', priceFen: 200 },
  ],
};

/** Gives the demo company's meal services their menus: residents order them as a cart. */
export async function seedDemoMenus(db: DbOrTx, companyId: string) {
  const meals = await db
    .select({ id: services.id, titleZh: services.titleZh })
    .from(services)
    .innerJoin(merchants, eq(merchants.id, services.merchantId))
    .where(and(eq(merchants.companyId, companyId), eq(services.category, 'meal_delivery')));
  const rows = meals.flatMap((service) =>
    (MENUS[service.titleZh] ?? []).map((dish, i) => ({
      ...dish,
      serviceId: service.id,
      position: i + 1,
    })),
  );
  if (rows.length) await db.insert(dishes).values(rows);
}
