/**
 * The service-quality contract (`quality.*`, `merchant.quality`, `merchant.reviews.reply`): zod only,
 * so the apps can validate their forms with the same rules.
 */
import { z } from 'zod';
import { cursorInput, limitInput } from '../../lib/pagination';
import { isoDateTime } from '../../lib/time';

export const KPI_GROUPS = ['merchant', 'community', 'month'] as const;
export const KPI_NAMES = [
  'acceptance',
  'slaBreaches',
  'onTimeArrival',
  'complaints',
  'ticketHandling',
  'callbackCoverage',
  'satisfaction',
  'defaultRatings',
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

const range = {
  from: isoDateTime,
  to: isoDateTime,
};
const toAfterFrom = (v: { from: string; to: string }) => Date.parse(v.to) > Date.parse(v.from);
const toAfterFromIssue = { message: '`to` must be after `from`', path: ['to'] };

export const kpisInput = z
  .object({ ...range, groupBy: z.enum(KPI_GROUPS) })
  .refine(toAfterFrom, toAfterFromIssue);

/** The orders behind one figure of the dashboard: a KPI of one row (or of the totals). */
export const kpiOrdersInput = z
  .object({
    ...range,
    kpi: z.enum(KPI_NAMES),
    groupBy: z.enum(KPI_GROUPS).optional(),
    /** A merchant or community id, or a month as `YYYY-MM`. */
    key: z
      .string()
      .regex(
        /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2})$/i,
        'Not a row of the dashboard',
      )
      .optional(),
    limit: limitInput(200, 50),
  })
  .refine(toAfterFrom, toAfterFromIssue);

export const merchantKpisInput = z.object({ ...range }).refine(toAfterFrom, toAfterFromIssue);

export const callbacksListInput = z
  .object({
    status: z.enum(['pending', 'done']).optional(),
    cursor: cursorInput,
    limit: limitInput(100, 20),
  })
  .default({ limit: 20 });

const note = (max: number) => z.string().trim().max(max);

export const recordCallbackInput = z
  .object({
    id: z.string().uuid(),
    reached: z.boolean(),
    satisfaction: z.number().int().min(1).max(5).optional(),
    comment: note(500).optional(),
    complaint: note(500).optional(),
  })
  .refine((v) => v.reached || (v.satisfaction === undefined && !v.complaint), {
    message: 'A household not reached gives no satisfaction or complaint',
    path: ['reached'],
  })
  .refine((v) => !v.reached || v.satisfaction !== undefined, {
    message: 'Please give the satisfaction the household told you',
    path: ['satisfaction'],
  });

export const ticketsListInput = z
  .object({
    status: z.enum(['open', 'resolved']).optional(),
    cursor: cursorInput,
    limit: limitInput(100, 20),
  })
  .default({ limit: 20 });

export const resolveTicketInput = z.object({
  id: z.string().uuid(),
  resolution: note(1000).min(1, 'Please say how the complaint was resolved'),
});

export const replyReviewInput = z.object({
  orderId: z.string().uuid(),
  reply: note(500).min(1, 'Please write a reply'),
});

/** A festival survey: a holiday, a window and 1–10 questions, each answered with 1–5 stars. */
export const createSurveyInput = z
  .object({
    communityId: z.string().uuid(),
    holidayName: note(40).min(1, 'Please name the holiday'),
    ...range,
    questions: z
      .array(note(120).min(1, 'Please write the question'))
      .min(1, 'Please ask at least one question')
      .max(10, 'At most 10 questions'),
  })
  .refine(toAfterFrom, toAfterFromIssue);

export const surveyIdInput = z.object({ id: z.string().uuid() });

/** A household's answer: one rating (and optional comment) per question, in order. */
export const answerSurveyInput = z.object({
  id: z.string().uuid(),
  answers: z
    .array(
      z.object({
        rating: z.number().int().min(1).max(5),
        comment: note(500).optional(),
      }),
    )
    .min(1)
    .max(10),
});
