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

const businessDate = z.iso.date();

/** Longest period one call reconciles or reads: a quarter. */
export const RECONCILIATION_MAX_DAYS = 93;

/**
 * A period of business days, both included (`audit.reconciliation`, `audit.reconcile`). Without
 * one: the last 30 days, today included.
 */
export const reconciliationPeriodInput = z
  .object({ from: businessDate, to: businessDate })
  .partial()
  .refine((v) => !v.from || !v.to || v.to >= v.from, {
    message: '`to` must not be before `from`',
    path: ['to'],
  })
  .refine(
    (v) =>
      !v.from ||
      !v.to ||
      Date.parse(v.to) - Date.parse(v.from) < RECONCILIATION_MAX_DAYS * 86_400_000,
    { message: `The period may span at most ${RECONCILIATION_MAX_DAYS} days`, path: ['to'] },
  )
  .optional();
export type ReconciliationPeriodInput = z.infer<typeof reconciliationPeriodInput>;
