import type { ServiceCategory } from '@cgp/api/client';
import { useMutation, useQueryClient } from '@tanstack/vue-query';
import {
  bookingRequest,
  newIdempotencyKey,
  type BookingDraft,
  type BookingRequest,
} from '../lib/booking';
import { trpc } from '../lib/trpc';

/**
 * Whether residents can book and pay. `booking.create` exists; `payment.checkout` does not yet
 * (api/src/modules/payments), and an order nobody can pay would only hold a neighbour's place for
 * 15 minutes. Until it does, the page shows "即将开放" and sends nothing.
 */
export const BOOKING_OPEN = false;

/** The Stripe Checkout URL for an order awaiting payment. */
function checkoutUrl(_orderId: string): Promise<string> {
  // Once payment.checkout exists:  return (await trpc.payment.checkout.mutate({ orderId })).url;
  return Promise.reject(new Error('payment.checkout is not available yet'));
}

/**
 * Books and pays: `booking.create` holds capacity, `payment.checkout` returns the Stripe Checkout
 * URL, and the browser goes there. A retry of the same slot and quantity reuses its idempotency
 * key, so a double tap or a lost answer returns the order already made instead of a second one.
 */
export function useBooking() {
  const queryClient = useQueryClient();
  let attempt: { signature: string; key: string } | null = null;

  function requestFor(
    draft: BookingDraft & { slotId: string },
    category: ServiceCategory,
  ): BookingRequest {
    const signature = `${draft.slotId}:${draft.quantity}`;
    if (attempt?.signature !== signature) attempt = { signature, key: newIdempotencyKey() };
    return bookingRequest(draft, category, attempt.key);
  }

  const mutation = useMutation({
    mutationFn: async (request: BookingRequest) => {
      const order = await trpc.booking.create.mutate(request);
      return checkoutUrl(order.id);
    },
    onSuccess: (url) => {
      attempt = null;
      window.location.assign(url);
    },
    // Capacity moved (ours, or a neighbour's booking that beat us): show the slots as they are now.
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['catalog', 'slots'] }),
  });

  return {
    open: BOOKING_OPEN,
    submit: (draft: BookingDraft & { slotId: string }, category: ServiceCategory) =>
      mutation.mutate(requestFor(draft, category)),
    submitting: mutation.isPending,
    error: mutation.error,
  };
}
