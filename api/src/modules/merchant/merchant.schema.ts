/**
 * The merchant portal's contract (`merchant.services|schedule|reviews|orders.live`): zod only, so
 * the portal validates its forms with the very schemas the API enforces.
 */
import { z } from 'zod';
import { pricingUnitSchema } from '../catalog/catalog.schema';
import { cursorInput, limitInput } from '../../lib/pagination';

const uuid = z.string().uuid();

// Services -----------------------------------------------------------------------------------

/** Most a single unit may cost: ¥1,000,000. */
export const MAX_PRICE_FEN = 100_000_000;
/** A week, in minutes: the longest cancellation window or booking cut-off. */
const WEEK_MINUTES = 7 * 24 * 60;

export const serviceFieldsObject = z.object({
  titleZh: z.string().trim().min(1, 'Required').max(60),
  /** Optional: English readers see the Chinese name when there is none. */
  titleEn: z.string().trim().max(100).default(''),
  descriptionZh: z.string().trim().max(1000).default(''),
  descriptionEn: z.string().trim().max(2000).default(''),
  priceFen: z.number().int('Whole fen only').positive('Must be above 0').max(MAX_PRICE_FEN),
  pricingUnit: pricingUnitSchema,
  minQuantity: z.number().int().min(1).max(1000),
  maxQuantity: z.number().int().min(1).max(1000),
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  freeCancelMinutes: z.number().int().min(0).max(WEEK_MINUTES),
  lateCancelFeeBps: z.number().int().min(0).max(10_000),
  bookingCutoffMinutes: z.number().int().min(0).max(WEEK_MINUTES),
  communityIds: z
    .array(uuid)
    .min(1, 'Choose at least one community')
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'Each community once'),
  /** The card's photo: an upload by the merchant's staff; null removes it, absent leaves it. */
  photoId: uuid.nullable().optional(),
});

const quantityOrder = {
  check: (v: { minQuantity: number; maxQuantity: number }) => v.maxQuantity >= v.minQuantity,
  params: { message: 'Must be at least the minimum quantity', path: ['maxQuantity'] },
};

export const createServiceInput = serviceFieldsObject.refine(
  quantityOrder.check,
  quantityOrder.params,
);
export const updateServiceInput = serviceFieldsObject
  .extend({ id: uuid })
  .refine(quantityOrder.check, quantityOrder.params);
export const setServiceActiveInput = z.object({ id: uuid, active: z.boolean() });

// Schedule -----------------------------------------------------------------------------------

/** A wall-clock time in the business zone, `HH:MM`. */
export const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use HH:MM between 00:00 and 23:59');
/** A calendar day in the business zone, `YYYY-MM-DD`. */
export const businessDate = z.iso.date();

export const templateRange = z
  .object({ start: clockTime, end: clockTime, capacity: z.number().int().min(1).max(999) })
  // Zero-padded HH:MM strings compare like the times they name.
  .refine((r) => r.end > r.start, { message: 'Must end after it starts', path: ['end'] });

/** Ranges of one template may not overlap: one window's staff cannot be counted twice. */
function overlapping(ranges: { start: string; end: string }[]): boolean {
  const sorted = [...ranges].sort((a, b) => a.start.localeCompare(b.start));
  return sorted.some((r, i) => i > 0 && r.start < sorted[i - 1]!.end);
}

export const MAX_TEMPLATE_WEEKS = 8;

export const slotTemplateInput = z.object({
  serviceId: uuid,
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  weekdays: z
    .array(z.number().int().min(1).max(7))
    .min(1, 'Choose at least one weekday')
    .max(7)
    .refine((d) => new Set(d).size === d.length, 'Each weekday once'),
  ranges: z
    .array(templateRange)
    .min(1, 'Add at least one time range')
    .max(24)
    .refine((r) => !overlapping(r), 'Time ranges may not overlap'),
  weeks: z.number().int().min(1).max(MAX_TEMPLATE_WEEKS),
  /** First day the template covers; tomorrow by default. */
  startDate: businessDate.optional(),
});

export const setSlotCapacityInput = z.object({
  slotId: uuid,
  capacity: z.number().int().min(1).max(999),
});
export const closeDayInput = z.object({ serviceId: uuid, date: businessDate });

// Reviews ------------------------------------------------------------------------------------

export const listReviewsInput = z
  .object({
    rating: z.number().int().min(1).max(5).optional(),
    cursor: cursorInput,
    limit: limitInput(100, 20),
  })
  .default({ limit: 20 });

// Live orders --------------------------------------------------------------------------------

export const liveOrdersInput = z
  .object({
    /** Set by the SSE client on reconnect: the id of the last event it received. */
    lastEventId: z.string().max(100).nullish(),
  })
  .optional();
