import { z } from 'zod';

/** The most a dish may cost (¥10,000), in fen: a typo in 元 should not become a price. */
export const MAX_DISH_PRICE_FEN = 1_000_000;
/** Portions of one dish in one order, and dishes in one cart. */
export const MAX_DISH_PORTIONS = 50;
export const MAX_CART_LINES = 20;

/** A dish's fields as the merchant portal edits them (price in fen; the form types 元). */
export const dishFields = z.object({
  nameZh: z.string().trim().min(1, 'Name is required').max(40),
  nameEn: z.string().trim().max(80).default(''),
  priceFen: z.number().int().min(1).max(MAX_DISH_PRICE_FEN),
  /** An uploaded photo (`POST /uploads`) of the dish; none is fine. */
  photoId: z.string().uuid().nullable().default(null),
  available: z.boolean().default(true),
});

export const createDishInput = dishFields.extend({ serviceId: z.string().uuid() });
export const updateDishInput = dishFields.extend({ id: z.string().uuid() });
export const dishIdInput = z.object({ id: z.string().uuid() });
export const setDishAvailableInput = z.object({ id: z.string().uuid(), available: z.boolean() });
export const menuInput = z.object({ serviceId: z.string().uuid() });

/** One line of a meal cart: a dish and how many portions. */
export const cartLineSchema = z.object({
  dishId: z.string().uuid(),
  quantity: z.number().int().min(1).max(MAX_DISH_PORTIONS),
});

/** A meal cart for one delivery window: each dish once, at least one. */
export const cartSchema = z
  .array(cartLineSchema)
  .min(1, 'Pick at least one dish')
  .max(MAX_CART_LINES)
  .refine((lines) => new Set(lines.map((l) => l.dishId)).size === lines.length, {
    message: 'Each dish may appear once in a cart',
  });

/** Portions in a cart: what it takes of the delivery window's capacity. */
export const cartPortions = (lines: readonly { quantity: number }[]) =>
  lines.reduce((sum, l) => sum + l.quantity, 0);

/** One line of a menu order, as every app shows it: the dish as it was sold, price frozen. */
export interface OrderLine {
  dishId: string;
  nameZh: string;
  nameEn: string;
  unitPriceFen: number;
  quantity: number;
  lineTotalFen: number;
}

/** An order's lines in words, e.g. 红烧肉饭 ×2、番茄蛋汤 ×1 (apps, CSV cells). */
export function linesInWords(lines: readonly OrderLine[] | null | undefined, locale = 'zh') {
  if (!lines?.length) return '';
  const en = locale.startsWith('en');
  return lines.map((l) => `${(en && l.nameEn) || l.nameZh} ×${l.quantity}`).join(en ? ', ' : '、');
}
