import { z } from 'zod';
import { cursorInput, limitInput } from '../../lib/pagination';
import { isoDateTime } from '../../lib/time';

export const serviceCategories = ['housekeeping', 'meal_delivery', 'temporary_care'] as const;
export const serviceCategorySchema = z.enum(serviceCategories);
export type ServiceCategory = z.infer<typeof serviceCategorySchema>;

export const pricingUnits = ['per_visit', 'per_hour', 'per_meal'] as const;
export const pricingUnitSchema = z.enum(pricingUnits);

export const listServicesInput = z
  .object({
    category: serviceCategorySchema.optional(),
    communityId: z.string().uuid().optional(),
    cursor: cursorInput,
    limit: limitInput(100, 50),
  })
  .default({ limit: 50 });

export const serviceIdInput = z.object({ id: z.string().uuid() });

/** Longest range one `catalog.slots` call may ask for. */
export const MAX_SLOT_RANGE_DAYS = 31;

export const listSlotsInput = z
  .object({
    serviceId: z.string().uuid(),
    from: isoDateTime,
    to: isoDateTime,
    cursor: cursorInput,
    limit: limitInput(500, 200),
  })
  .refine((v) => Date.parse(v.to) > Date.parse(v.from), {
    message: '`to` must be after `from`',
    path: ['to'],
  })
  .refine((v) => Date.parse(v.to) - Date.parse(v.from) <= MAX_SLOT_RANGE_DAYS * 86_400_000, {
    message: `The range may span at most ${MAX_SLOT_RANGE_DAYS} days`,
    path: ['to'],
  });
