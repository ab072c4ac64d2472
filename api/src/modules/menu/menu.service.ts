import { dishes, services, uploads, type Db, type DbOrTx } from '@cgp/db';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { BadRequest, NotFound } from '../../errors';
import { getService } from '../catalog/catalog.service';
import type { Actor, MerchantActor } from '../identity/actor';
import { photoUrl } from '../uploads/uploads.service';
import type { createDishInput, setDishAvailableInput, updateDishInput } from './menu.schema';

type Dish = typeof dishes.$inferSelect;

/** A dish as the apps show it: price in fen, the photo as a URL. */
function dishView(d: Dish) {
  return {
    id: d.id,
    serviceId: d.serviceId,
    nameZh: d.nameZh,
    nameEn: d.nameEn,
    priceFen: d.priceFen,
    photo: d.photoId ? { id: d.photoId, url: photoUrl(d.photoId) } : null,
    available: d.available,
  };
}
export type DishView = ReturnType<typeof dishView>;

function menuOf(db: DbOrTx, serviceId: string) {
  return db
    .select()
    .from(dishes)
    .where(and(eq(dishes.serviceId, serviceId), isNull(dishes.removedAt)))
    .orderBy(asc(dishes.position), asc(dishes.createdAt), asc(dishes.id));
}

/**
 * `catalog.menu`: a meal service's dishes, for whoever may see the service (a resident: only in
 * their community). Sold-out dishes are listed, marked unavailable.
 */
export async function listMenu(db: DbOrTx, actor: Actor, serviceId: string) {
  await getService(db, actor, serviceId);
  return { items: (await menuOf(db, serviceId)).map(dishView) };
}

/** The caller's own meal-delivery service, or NOT_FOUND (another merchant's is not shown). */
async function ownMealService(db: DbOrTx, actor: MerchantActor, serviceId: string) {
  const [service] = await db
    .select({ id: services.id, category: services.category })
    .from(services)
    .where(and(eq(services.id, serviceId), eq(services.merchantId, actor.merchantId)));
  if (!service) throw new NotFound('Service');
  if (service.category !== 'meal_delivery') {
    throw new BadRequest('not_a_meal_service', 'Only a meal-delivery service has a menu');
  }
  return service;
}

/** A photo must be one the caller uploaded. */
async function assertOwnPhoto(db: DbOrTx, actor: MerchantActor, photoId: string | null) {
  if (!photoId) return;
  const [row] = await db
    .select({ id: uploads.id })
    .from(uploads)
    .where(and(eq(uploads.id, photoId), eq(uploads.ownerId, actor.id)));
  if (!row) throw new BadRequest('photo_not_yours', 'That photo was not uploaded by you');
}

/** `merchant.dishes.list`: the menu of one of the merchant's meal services. */
export async function listMerchantDishes(db: DbOrTx, actor: MerchantActor, serviceId: string) {
  await ownMealService(db, actor, serviceId);
  return { items: (await menuOf(db, serviceId)).map(dishView) };
}

/** `merchant.dishes.create`: a dish at the end of the menu. */
export async function createDish(
  db: Db,
  actor: MerchantActor,
  input: z.infer<typeof createDishInput>,
) {
  await ownMealService(db, actor, input.serviceId);
  await assertOwnPhoto(db, actor, input.photoId);
  const [row] = await db
    .insert(dishes)
    .values({
      ...input,
      position: sql`(SELECT coalesce(max(${dishes.position}), 0) + 1 FROM ${dishes}
                      WHERE ${dishes.serviceId} = ${input.serviceId})`,
    })
    .returning();
  return dishView(row!);
}

/** The condition that a dish is on a menu of the caller's merchant and not removed. */
const ownDish = (actor: MerchantActor, id: string) =>
  and(
    eq(dishes.id, id),
    isNull(dishes.removedAt),
    sql`${dishes.serviceId} IN (SELECT ${services.id} FROM ${services}
                                 WHERE ${services.merchantId} = ${actor.merchantId})`,
  );

/** `merchant.dishes.update`: new terms; orders already placed keep the name and price they froze. */
export async function updateDish(
  db: Db,
  actor: MerchantActor,
  input: z.infer<typeof updateDishInput>,
) {
  const { id, ...fields } = input;
  await assertOwnPhoto(db, actor, fields.photoId);
  const [row] = await db
    .update(dishes)
    .set({ ...fields, updatedAt: sql`now()` })
    .where(ownDish(actor, id))
    .returning();
  if (!row) throw new NotFound('Dish');
  return dishView(row);
}

/** `merchant.dishes.setAvailable`: 上架 / 售罄. */
export async function setDishAvailable(
  db: Db,
  actor: MerchantActor,
  input: z.infer<typeof setDishAvailableInput>,
) {
  const [row] = await db
    .update(dishes)
    .set({ available: input.available, updatedAt: sql`now()` })
    .where(ownDish(actor, input.id))
    .returning();
  if (!row) throw new NotFound('Dish');
  return dishView(row);
}

/** `merchant.dishes.remove`: off the menu for good; orders that name it keep their lines. */
export async function removeDish(db: Db, actor: MerchantActor, id: string) {
  const [row] = await db
    .update(dishes)
    .set({ removedAt: sql`now()`, available: false, updatedAt: sql`now()` })
    .where(ownDish(actor, id))
    .returning({ id: dishes.id });
  if (!row) throw new NotFound('Dish');
  return { id: row.id };
}
