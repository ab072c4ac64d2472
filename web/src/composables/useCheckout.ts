import { useMutation, useQueryClient } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { trpc } from '../lib/trpc';
import { ordersQueryKey } from './useOrders';

/** The Stripe Checkout URL of an order awaiting payment (an open session is handed out again). */
export async function checkoutUrl(orderId: string): Promise<string> {
  return (await trpc.payment.checkout.mutate({ orderId })).url;
}

/**
 * Pays an order awaiting payment: the browser goes to Stripe Checkout, which brings the
 * resident back to `/orders/<id>?paid=1` (SPEC §5: no Stripe.js on our pages).
 */
export function useCheckout() {
  const queryClient = useQueryClient();
  // The page stays up for a moment after `location` is set; keep the button busy meanwhile.
  const leaving = ref(false);
  const mutation = useMutation({
    mutationFn: checkoutUrl,
    onSuccess: (url) => {
      leaving.value = true;
      window.location.href = url;
    },
    // Refused because the order moved on (paid meanwhile, expired): show it as it is now.
    onError: () => queryClient.invalidateQueries({ queryKey: ordersQueryKey }),
  });
  return {
    pay: (orderId: string) => mutation.mutate(orderId),
    busy: computed(() => mutation.isPending.value || leaving.value),
    error: mutation.error,
  };
}
