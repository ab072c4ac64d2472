import {
  CARE_AGE,
  cartPortions,
  careRecipientSchema,
  quantitySchema,
  type RouterInputs,
  type ServiceCategory,
} from '@cgp/api/client';
import { isApiError } from '@cgp/kit/errors';

export type BookingRequest = RouterInputs['booking']['create'];
export type SlotBookingRequest = Extract<BookingRequest, { slotId: string }>;
export type OnDemandBookingRequest = Extract<BookingRequest, { mode: 'on_demand' }>;

/** 预约时段 (a slot picked ahead) or 立即上门 (served now, SPEC §12). */
export type BookingMode = 'slot' | 'on_demand';

export interface CareRecipient {
  name: string;
  age: number | null;
  needs: string;
}

/**
 * What the resident fills in on the service page before paying. The address is not part of it:
 * the API books at the resident's registered unit.
 */
export interface BookingDraft {
  mode: BookingMode;
  /** Slot bookings only. */
  slotId: string | null;
  quantity: number;
  notes: string;
  /** Meal delivery only. */
  allergies: string;
  /** Meal delivery from a menu: portions per dish id, for one delivery window. */
  cart: Record<string, number>;
  /** Temporary care only. */
  careRecipient: CareRecipient;
  /** 家人代订 (slot bookings of care): the saved family member served at their own unit. */
  familyMemberId: string | null;
}

export function emptyDraft(quantity: number): BookingDraft {
  return {
    mode: 'slot',
    slotId: null,
    quantity,
    notes: '',
    allergies: '',
    cart: {},
    careRecipient: { name: '', age: null, needs: '' },
    familyMemberId: null,
  };
}

export type CareField = keyof CareRecipient;
export interface FieldProblem {
  key: string;
  params?: Record<string, unknown>;
}

/**
 * What is wrong with the care recipient, field by field, judged by the API's own schema (one
 * rule, written once), as i18n keys.
 */
export function careRecipientProblems(
  recipient: CareRecipient,
): Partial<Record<CareField, FieldProblem>> {
  const parsed = careRecipientSchema.safeParse({
    ...recipient,
    age: recipient.age ?? undefined,
  });
  if (parsed.success) return {};
  const problems: Partial<Record<CareField, FieldProblem>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as CareField;
    if (problems[field]) continue;
    if (field === 'age') {
      problems.age =
        recipient.age === null
          ? { key: 'booking.careAgeRequired' }
          : { key: 'booking.careAgeRange', params: { ...CARE_AGE } };
    } else if (field === 'name') {
      problems.name = recipient.name.trim()
        ? { key: 'booking.careNameTooLong' }
        : { key: 'booking.careNameRequired' };
    } else {
      problems[field] = { key: 'booking.careNeedsTooLong' };
    }
  }
  return problems;
}

const CARE_FIELDS: readonly CareField[] = ['name', 'age', 'needs'];

/**
 * The care-recipient fields the server refused a booking for, so the form can mark them (the
 * form checks the same schema first, so this is for rules only the server knows).
 */
export function careProblemsFromRefusal(error: unknown): Partial<Record<CareField, FieldProblem>> {
  if (!isApiError(error) || !error.data) return {};
  if (error.data.reason === 'care_recipient_required') {
    return { name: { key: 'booking.careNameRequired' }, age: { key: 'booking.careAgeRequired' } };
  }
  const problems: Partial<Record<CareField, FieldProblem>> = {};
  for (const { path } of error.data.fieldErrors ?? []) {
    const field = path[1] as CareField;
    if (path[0] !== 'careRecipient' || !CARE_FIELDS.includes(field)) continue;
    problems[field] =
      field === 'age'
        ? { key: 'booking.careAgeRange', params: { ...CARE_AGE } }
        : { key: field === 'name' ? 'booking.careNameTooLong' : 'booking.careNeedsTooLong' };
  }
  return problems;
}

/** i18n keys of what is missing before a booking can be sent; empty when it is ready. */
export function bookingProblems(
  draft: BookingDraft,
  service: {
    category: ServiceCategory;
    minQuantity: number;
    maxQuantity: number;
    /** Sold from a menu: the quantity is the cart's portions. */
    menu?: boolean;
  },
): string[] {
  const problems: string[] = [];
  if (draft.mode === 'slot' && !draft.slotId) problems.push('booking.pickSlot');
  if (service.menu && cartLines(draft.cart).length === 0) problems.push('booking.pickDishes');
  if (service.category === 'temporary_care') {
    const care = careRecipientProblems(draft.careRecipient);
    if (care.name || care.age?.key === 'booking.careAgeRequired') {
      problems.push('booking.careRequired');
    } else if (care.age || care.needs) {
      problems.push('booking.careInvalid');
    }
  }
  // The API's own rule for the quantity (the page narrows `maxQuantity` to the picked slot).
  const limits = { min: service.minQuantity, max: service.maxQuantity };
  if (!quantitySchema(limits).safeParse(draft.quantity).success) {
    problems.push('booking.quantityInvalid');
  }
  return problems;
}

/** The `booking.create` input for a complete draft: only the fields its category uses. */
export function bookingRequest(
  draft: BookingDraft & { slotId: string },
  category: ServiceCategory,
  idempotencyKey: string,
): SlotBookingRequest {
  const { name, age, needs } = draft.careRecipient;
  const items = category === 'meal_delivery' ? cartLines(draft.cart) : [];
  return {
    slotId: draft.slotId,
    quantity: items.length ? cartPortions(items) : draft.quantity,
    items: items.length ? items : undefined,
    notes: draft.notes.trim() || undefined,
    allergies: category === 'meal_delivery' ? draft.allergies.trim() || undefined : undefined,
    careRecipient:
      category === 'temporary_care' && age !== null
        ? { name: name.trim(), age, needs: needs.trim() }
        : undefined,
    familyMemberId: category === 'temporary_care' ? (draft.familyMemberId ?? undefined) : undefined,
    idempotencyKey,
  };
}

/** The `booking.create` input for 立即上门: no slot, and no allergies (meals are not on demand). */
export function onDemandRequest(
  draft: BookingDraft,
  service: { id: string; category: ServiceCategory },
  idempotencyKey: string,
): OnDemandBookingRequest {
  const { notes, careRecipient } = bookingRequest(
    { ...draft, slotId: '' },
    service.category,
    idempotencyKey,
  );
  return {
    mode: 'on_demand',
    serviceId: service.id,
    quantity: draft.quantity,
    notes,
    careRecipient,
    idempotencyKey,
  };
}

/** A cart's lines as `booking.create` takes them: dishes with at least one portion. */
export function cartLines(cart: Record<string, number>) {
  return Object.entries(cart)
    .filter(([, quantity]) => quantity > 0)
    .map(([dishId, quantity]) => ({ dishId, quantity }));
}

/** A random key that makes retrying the same booking safe (SPEC §3: idempotent per client key). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context; plain-http LAN testing on a phone lacks one.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
