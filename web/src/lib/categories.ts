import type { ServiceCategory } from '@cgp/api/client';

/** Vant icon of each category; `satisfies` makes a new category fail to compile until it has one. */
export const categoryIcons = {
  housekeeping: 'brush-o',
  meal_delivery: 'logistics',
  temporary_care: 'friends-o',
} as const satisfies Record<ServiceCategory, string>;

export const categories = Object.keys(categoryIcons) as ServiceCategory[];

export function isServiceCategory(value: unknown): value is ServiceCategory {
  return typeof value === 'string' && value in categoryIcons;
}
