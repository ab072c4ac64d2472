import { dishes, type DbOrTx } from '@cgp/db';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { BadRequest, Conflict } from '../../errors';

/**
 * Why a booking's cart (or its lack of one) does not fit the service, if it does not: read only
 * after the booking statement placed nothing. Each refusal names the `items` field.
 */
export async function cartRefusal(
  db: DbOrTx,
  service: { id: string; category: string },
  items: readonly { dishId: string }[] | undefined,
) {
  if (items && service.category !== 'meal_delivery') {
    return new BadRequest('cart_not_for_service', 'Only meal delivery is ordered from a menu', {
      field: 'items',
    });
  }
  const menu = await db
    .select({ id: dishes.id, nameZh: dishes.nameZh, available: dishes.available })
    .from(dishes)
    .where(
      and(
        eq(dishes.serviceId, service.id),
        isNull(dishes.removedAt),
        items
          ? inArray(
              dishes.id,
              items.map((i) => i.dishId),
            )
          : undefined,
      ),
    );
  if (!items) {
    return menu.length
      ? new BadRequest('menu_required', 'Choose dishes from the menu', { field: 'items' })
      : null;
  }
  const found = new Set(menu.map((d) => d.id));
  const unknown = items.filter((i) => !found.has(i.dishId)).map((i) => i.dishId);
  if (unknown.length) {
    return new BadRequest('dish_not_on_menu', 'Some dishes are not on this menu', {
      field: 'items',
      dishIds: unknown,
    });
  }
  const soldOut = menu.filter((d) => !d.available);
  if (soldOut.length) {
    return new Conflict('dish_unavailable', 'Some dishes have just sold out', {
      field: 'items',
      dishIds: soldOut.map((d) => d.id),
      names: soldOut.map((d) => d.nameZh).join('、'),
    });
  }
  return null;
}
