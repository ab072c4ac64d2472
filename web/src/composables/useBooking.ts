import type { ServiceCategory } from '@cgp/api/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import {
  bookingRequest,
  cartLines,
  newIdempotencyKey,
  onDemandRequest,
  type BookingDraft,
  type BookingRequest,
} from '../lib/booking';
import { isApiError, isNetworkError, slotRefusal, type SlotRefusal } from '@cgp/kit/errors';
import { trpc } from '@cgp/kit/api';
import { checkoutUrl, useLeaveForCheckout } from './useCheckout';
import { ordersQueryKey } from './useOrders';

/** The order was made but no checkout could be opened for it; it can be paid from its page. */
export class CheckoutUnavailable extends Error {
  constructor(
    readonly orderId: string,
    override readonly cause: unknown,
  ) {
    super('The order was created but checkout could not be opened', { cause });
  }
}

export interface BookingOutcomes {
  /** Someone else took the last place, or the slot closed, between page load and submit. */
  onSlotRefused: (reason: SlotRefusal, error: unknown) => void;
  /** 立即上门: every worker became busy between the offer and the booking. */
  onNoWorker: (error: unknown) => void;
  onCheckoutUnavailable: (orderId: string, cause: unknown) => void;
  /**
   * No answer came back: the order may or may not have been made. Retrying is safe (same key),
   * and is what the resident should be offered.
   */
  onAnswerLost: () => void;
}

/** What 立即上门 promises this resident for a service now: ring deadlines and whether anyone is free. */
export function useOnDemandOffer(
  serviceId: MaybeRefOrGetter<string>,
  quantity: MaybeRefOrGetter<number>,
  enabled: MaybeRefOrGetter<boolean>,
) {
  return useQuery({
    queryKey: computed(
      () => ['booking', 'on-demand-offer', toValue(serviceId), toValue(quantity)] as const,
    ),
    queryFn: () =>
      trpc.booking.onDemandOffer.query({
        serviceId: toValue(serviceId),
        quantity: toValue(quantity),
      }),
    enabled: computed(() => toValue(enabled)),
    // Workers come free and get booked by neighbours: keep it fresh while the page is open.
    staleTime: 5_000,
    refetchInterval: 30_000,
  });
}

/**
 * Books and pays: `booking.create` holds capacity, `payment.checkout` returns the Stripe Checkout
 * URL, and the browser goes there. A retry of the same slot and quantity reuses its idempotency
 * key, so a double tap or a lost answer returns the order already made instead of a second one.
 */
export function useBooking(outcomes: BookingOutcomes) {
  const queryClient = useQueryClient();
  let attempt: { signature: string; key: string } | null = null;
  const { leaving, leave } = useLeaveForCheckout();

  function requestFor(
    draft: BookingDraft,
    service: { id: string; category: ServiceCategory },
  ): BookingRequest | null {
    const onDemand = draft.mode === 'on_demand';
    if (!onDemand && !draft.slotId) return null;
    // A changed cart is another booking, with its own key.
    const cart = JSON.stringify(cartLines(draft.cart));
    const signature = `${onDemand ? `now:${service.id}` : draft.slotId}:${draft.quantity}:${cart}`;
    if (attempt?.signature !== signature) attempt = { signature, key: newIdempotencyKey() };
    return onDemand
      ? onDemandRequest(draft, service, attempt.key)
      : bookingRequest({ ...draft, slotId: draft.slotId ?? '' }, service.category, attempt.key);
  }

  const mutation = useMutation({
    mutationFn: async (request: BookingRequest) => {
      const order = await trpc.booking.create.mutate(request);
      try {
        return await checkoutUrl(order.id);
      } catch (error) {
        throw new CheckoutUnavailable(order.id, error);
      }
    },
    onSuccess: (url) => {
      attempt = null;
      leave(url);
    },
    onError: (error) => {
      if (error instanceof CheckoutUnavailable) {
        attempt = null;
        outcomes.onCheckoutUnavailable(error.orderId, error.cause);
      } else if (isNetworkError(error)) {
        outcomes.onAnswerLost();
      } else if (isApiError(error) && error.data?.reason === 'no_worker_available') {
        outcomes.onNoWorker(error);
      } else {
        const refusal = slotRefusal(error);
        if (refusal) outcomes.onSlotRefused(refusal, error);
      }
      // Capacity moved (ours, or a neighbour's booking that beat us): show the slots as they are
      // now. Not awaited: offline, that refresh fails slowly, and the button must not spin meanwhile.
      void queryClient.invalidateQueries({ queryKey: ['catalog', 'slots'] });
      void queryClient.invalidateQueries({ queryKey: ['catalog', 'menu'] });
      void queryClient.invalidateQueries({ queryKey: ['booking', 'on-demand-offer'] });
      void queryClient.invalidateQueries({ queryKey: ordersQueryKey });
    },
  });

  return {
    /** Books the draft: its slot, or 立即上门 when its mode says so. */
    submit: (draft: BookingDraft, service: { id: string; category: ServiceCategory }) => {
      const request = requestFor(draft, service);
      if (request) mutation.mutate(request);
    },
    submitting: computed(() => mutation.isPending.value || leaving.value),
    error: mutation.error,
    /** Forgets the last failure, e.g. once the resident picks another slot. */
    reset: () => mutation.reset(),
  };
}
