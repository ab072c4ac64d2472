import { z } from 'zod';
import { isoDateTime } from '../../lib/time';
import { serviceCategorySchema } from '../catalog/catalog.schema';

const range = z
  .object({ from: isoDateTime, to: isoDateTime })
  .refine((v) => Date.parse(v.to) > Date.parse(v.from), {
    message: '`to` must be after `from`',
    path: ['to'],
  });

/** Orders earned in [from, to), the drill-down under a revenue-share row. */
export const consoleOrdersInput = z
  .object({
    from: isoDateTime,
    to: isoDateTime,
    merchantId: z.string().uuid().optional(),
    category: serviceCategorySchema.optional(),
    /** An order number, a resident's phone number (or its end), or part of a resident's name. */
    q: z.string().trim().min(1).max(40).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .refine((v) => Date.parse(v.to) > Date.parse(v.from), {
    message: '`to` must be after `from`',
    path: ['to'],
  });
export type ConsoleOrdersInput = z.infer<typeof consoleOrdersInput>;

export const consoleOrderInput = z.object({ id: z.string().uuid() });

export const consoleDisputeInput = z.object({ orderId: z.string().uuid() });

/** A refund ops consider giving on a dispute, in fen. */
export const disputeRefundPreviewInput = z.object({
  orderId: z.string().uuid(),
  refundFen: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const consoleDisputesInput = z.object({
  status: z.enum(['open', 'resolved']).default('open'),
});

export const merchantStatusInput = z.object({
  merchantId: z.string().uuid(),
  status: z.enum(['approved', 'suspended']),
});

export const auditLogInput = z.object({
  action: z.string().trim().min(1).max(80).optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  /** The id of the last row of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'Not a valid cursor')
    .optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type AuditLogInput = z.infer<typeof auditLogInput>;

/** The CSV reports `GET /console/export/<report>.csv` streams. */
export const exportReports = [
  'revenue-share',
  'statements',
  'ledger',
  'disputes',
  'audit-log',
] as const;
export type ExportReport = (typeof exportReports)[number];
export const exportRange = range;

/** A business day, as the console's trend chart ends on one. */
const businessDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A date as YYYY-MM-DD')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
      new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: 'Not a calendar date',
    },
  );

/** The revenue trend: 30 days or 12 months ending `to` (today when left out). */
export const trendsInput = z.object({
  granularity: z.enum(['day', 'month']).default('day'),
  to: businessDate.optional(),
});
export type TrendsInput = z.infer<typeof trendsInput>;
