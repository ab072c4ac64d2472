import { z } from 'zod';
import { isoDateTime } from '../../lib/time';

export const revenueShareGroups = ['merchant', 'category', 'day', 'month'] as const;

export const revenueShareInput = z
  .object({
    from: isoDateTime,
    to: isoDateTime,
    groupBy: z.enum(revenueShareGroups).default('merchant'),
  })
  .refine((v) => Date.parse(v.to) > Date.parse(v.from), {
    message: '`to` must be after `from`',
    path: ['to'],
  })
  .refine((v) => Date.parse(v.to) - Date.parse(v.from) <= 366 * 86_400_000, {
    message: 'The range may span at most a year',
    path: ['to'],
  });
export type RevenueShareInput = z.infer<typeof revenueShareInput>;
