import type { RouterInputs, ServiceCategory } from '@cgp/api/client';

export type BookingRequest = RouterInputs['booking']['create'];

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
  slotId: string | null;
  quantity: number;
  notes: string;
  /** Meal delivery only. */
  allergies: string;
  /** Temporary care only. */
  careRecipient: CareRecipient;
}

export function emptyDraft(quantity: number): BookingDraft {
  return {
    slotId: null,
    quantity,
    notes: '',
    allergies: '',
    careRecipient: { name: '', age: null, needs: '' },
  };
}

/** i18n keys of what is missing before a booking can be sent; empty when it is ready. */
export function bookingProblems(
  draft: BookingDraft,
  service: { category: ServiceCategory; minQuantity: number; maxQuantity: number },
): string[] {
  const problems: string[] = [];
  if (!draft.slotId) problems.push('booking.pickSlot');
  if (
    service.category === 'temporary_care' &&
    (!draft.careRecipient.name.trim() || draft.careRecipient.age === null)
  ) {
    problems.push('booking.careRequired');
  }
  if (
    !Number.isInteger(draft.quantity) ||
    draft.quantity < service.minQuantity ||
    draft.quantity > service.maxQuantity
  ) {
    problems.push('booking.quantityInvalid');
  }
  return problems;
}

/** The `booking.create` input for a complete draft: only the fields its category uses. */
export function bookingRequest(
  draft: BookingDraft & { slotId: string },
  category: ServiceCategory,
  idempotencyKey: string,
): BookingRequest {
  const { name, age, needs } = draft.careRecipient;
  return {
    slotId: draft.slotId,
    quantity: draft.quantity,
    notes: draft.notes.trim() || undefined,
    allergies: category === 'meal_delivery' ? draft.allergies.trim() || undefined : undefined,
    careRecipient:
      category === 'temporary_care' && age !== null
        ? { name: name.trim(), age, needs: needs.trim() }
        : undefined,
    idempotencyKey,
  };
}

/** A random key that makes retrying the same booking safe (SPEC §3: idempotent per client key). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context; plain-http LAN testing on a phone lacks one.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
