import { dishes, services, type Db } from '@cgp/db';
import type { Factories } from '@cgp/db/testing';
import { eq } from 'drizzle-orm';

/** Test set-up: a meal-delivery marketplace whose service sells from a menu of these dishes. */
export async function createMealMenu(
  deps: { db: Db; factories: Factories },
  menu: { nameZh: string; nameEn?: string; priceFen: number; available?: boolean }[],
  options: { maxQuantity?: number } = {},
) {
  const market = await deps.factories.createMarketplace({ category: 'meal_delivery' });
  const [service] = await deps.db
    .update(services)
    .set({ pricingUnit: 'per_meal', minQuantity: 1, maxQuantity: options.maxQuantity ?? 20 })
    .where(eq(services.id, market.service.id))
    .returning();
  const rows = await deps.db
    .insert(dishes)
    .values(
      menu.map((d, i) => ({
        serviceId: market.service.id,
        nameZh: d.nameZh,
        nameEn: d.nameEn ?? '',
        priceFen: d.priceFen,
        available: d.available ?? true,
        position: i + 1,
      })),
    )
    .returning();
  return { ...market, service: service!, dishes: rows };
}
