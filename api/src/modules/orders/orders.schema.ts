import { z } from 'zod';
import { cursorInput, limitInput } from '../../lib/pagination';
import { isoDateTime } from '../../lib/time';
import { ORDER_STATUSES, ORDER_TABS } from './order-states';

export const orderStatusSchema = z.enum(ORDER_STATUSES);
export const orderIdInput = z.object({ id: z.string().uuid() });

export const listOrdersInput = z
  .object({
    status: z.array(orderStatusSchema).max(ORDER_STATUSES.length).optional(),
    /** One of the order list's tabs (待支付, 进行中, 待评价, 退款售后). */
    tab: z.enum(ORDER_TABS).optional(),
    /** An order number (or its start) or words of the service's name. */
    search: z.string().trim().max(50).optional(),
    cursor: cursorInput,
    limit: limitInput(100, 20),
  })
  .default({ limit: 20 });

export const reasonSchema = z.string().trim().min(1, 'Please give a reason').max(500);

export const cancelOrderInput = z.object({ id: z.string().uuid(), reason: reasonSchema });
/** How many photos a resident's dispute, a merchant's statement or a review may carry. */
export const MAX_ORDER_PHOTOS = 6;
/** Photos uploaded first by `POST /uploads`, attached to an order with what they show; up to six. */
const orderPhotoIds = z
  .array(z.string().uuid())
  .max(MAX_ORDER_PHOTOS, `At most ${MAX_ORDER_PHOTOS} photos`);

export const disputeOrderInput = z.object({
  id: z.string().uuid(),
  reason: reasonSchema,
  /** What the resident shows of the problem. */
  photoIds: orderPhotoIds.optional(),
});

/** The merchant's side of an open dispute, in its own words, with photos if it has any. */
export const disputeStatementInput = z.object({
  id: z.string().uuid(),
  statement: z.string().trim().min(1, 'Please write what happened').max(1000),
  photoIds: orderPhotoIds.optional(),
});
export const reviewOrderInput = z.object({
  id: z.string().uuid(),
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(1000).optional(),
  /** Photos uploaded first by `POST /uploads`; up to six. */
  photoIds: orderPhotoIds.optional(),
});

export const merchantListOrdersInput = z
  .object({
    status: z.array(orderStatusSchema).max(ORDER_STATUSES.length).optional(),
    /** Slot start range, to see a day's work. */
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    /** An order number (or its start), part of the resident's name, or their phone's last digits. */
    search: z.string().trim().min(1).max(40).optional(),
    cursor: cursorInput,
    limit: limitInput(100, 50),
  })
  .default({ limit: 50 });

export const merchantRejectInput = z.object({ id: z.string().uuid(), reason: reasonSchema });
export const merchantCancelInput = z.object({ id: z.string().uuid(), reason: reasonSchema });

/** `worker.tasks.complete`: proof of the finished work (photos uploaded first by `POST /uploads`). */
export const completeTaskInput = z.object({
  id: z.string().uuid(),
  photoIds: z
    .array(z.string().uuid())
    .min(1, 'Add at least one photo of the finished work')
    .max(9, 'At most 9 photos'),
  note: z.string().trim().min(1, 'Please describe the work done').max(500),
});
