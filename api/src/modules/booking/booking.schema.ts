import { z } from 'zod';
import { cartPortions, cartSchema } from '../menu/menu.schema';

/** Ages a care recipient may have, in whole years (the forms say the same range). */
export const CARE_AGE = { min: 1, max: 120 } as const;

export const careRecipientSchema = z.object({
  name: z.string().trim().min(1, 'Name is required').max(50),
  age: z.number().int().min(CARE_AGE.min).max(CARE_AGE.max),
  needs: z.string().trim().max(500).default(''),
});

/**
 * How many units one booking may take (one rule, written once for the form and the server): the
 * service's range and, for hourly services, no more hours than the chosen slot lasts; for meal
 * delivery, no more portions than the delivery window has left (its capacity counts portions).
 */
export function quantityLimits(
  service: { category: string; pricingUnit: string; minQuantity: number; maxQuantity: number },
  slot?: { startsAt: string; endsAt: string; capacity?: number; booked?: number } | null,
): { min: number; max: number; boundBySlot: boolean } {
  const meals = service.category === 'meal_delivery';
  const slotHours =
    slot && service.pricingUnit === 'per_hour' && !meals
      ? Math.floor((Date.parse(slot.endsAt) - Date.parse(slot.startsAt)) / 3_600_000)
      : Infinity;
  const portionsLeft =
    slot && meals && slot.capacity !== undefined && slot.booked !== undefined
      ? Math.max(0, slot.capacity - slot.booked)
      : Infinity;
  const bySlot = Math.min(slotHours, portionsLeft);
  const max = Math.min(service.maxQuantity, bySlot);
  return { min: service.minQuantity, max, boundBySlot: bySlot < service.maxQuantity };
}

/** The quantity field's schema for those limits. */
export const quantitySchema = (limits: { min: number; max: number }) =>
  z.number().int().min(limits.min).max(limits.max);

const idempotencyKey = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'Use letters, digits, - and _ only');

export const createBookingInput = z
  .object({
    mode: z.literal('slot').optional(),
    slotId: z.string().uuid(),
    quantity: z.number().int().min(1).max(1000),
    notes: z.string().trim().max(500).optional(),
    /** Meal delivery: what the kitchen must leave out. */
    allergies: z.string().trim().max(200).optional(),
    /** Temporary care: who is cared for. Required for that category. */
    careRecipient: careRecipientSchema.optional(),
    /**
     * 家人代订: book for a saved family member, served at their unit. Their saved profile is the
     * care recipient unless the booking gives one.
     */
    familyMemberId: z.string().uuid().optional(),
    /**
     * Meal delivery from a menu: the dishes and portions for this delivery window. `quantity` is
     * then the cart's portions, which is what the window's capacity counts.
     */
    items: cartSchema.optional(),
    /** Chosen by the client per booking attempt; a retry with the same key returns the same order. */
    idempotencyKey,
  })
  .refine((input) => !input.items || cartPortions(input.items) === input.quantity, {
    message: 'The quantity must be the number of portions in the cart',
    path: ['quantity'],
  });
export type CreateBookingInput = z.infer<typeof createBookingInput>;

/** 立即上门 (SPEC §12): no slot; served now by whichever of the merchant's workers is free. */
export const onDemandBookingInput = z.object({
  mode: z.literal('on_demand'),
  serviceId: z.string().uuid(),
  quantity: z.number().int().min(1).max(1000),
  notes: z.string().trim().max(500).optional(),
  careRecipient: careRecipientSchema.optional(),
  idempotencyKey,
});
export type OnDemandBookingInput = z.infer<typeof onDemandBookingInput>;

/** `booking.onDemandOffer`: what 立即上门 promises before the resident books. */
export const onDemandOfferInput = z.object({
  serviceId: z.string().uuid(),
  quantity: z.number().int().min(1).max(1000).optional(),
});

/** `booking.create`: a slot booking, or an on-demand one when `mode` says so. */
export const bookingInput = z.union([onDemandBookingInput, createBookingInput]);
