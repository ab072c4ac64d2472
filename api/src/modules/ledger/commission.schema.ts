import { z } from 'zod';
import { isoDateTime } from '../../lib/time';
import { serviceCategorySchema } from '../catalog/catalog.schema';

export const createCommissionRuleInput = z
  .object({
    merchantId: z.string().uuid().optional(),
    category: serviceCategorySchema.optional(),
    platformBps: z.number().int().min(0).max(10_000),
    effectiveFrom: isoDateTime,
    note: z.string().trim().max(200).optional(),
  })
  .refine((v) => !(v.merchantId && v.category), {
    message: 'A rule is for a merchant or for a category, not both',
    path: ['category'],
  });
export type CreateCommissionRuleInput = z.infer<typeof createCommissionRuleInput>;
