import { useMutation, useQueryClient } from '@tanstack/vue-query';
import { computed, onScopeDispose, ref } from 'vue';
import { trpc } from '@cgp/kit/api';
import { ordersQueryKey } from './useOrders';

/** The Stripe Checkout URL of an order awaiting payment (an open session is handed out again). */
export async function checkoutUrl(orderId: string): Promise<string> {
  return (await trpc.payment.checkout.mutate({ orderId })).url;
}

/**
 * Sends the browser to another site (Checkout). The page stays up a moment after `location` is
 * set, so `leaving` keeps buttons busy; a page brought back by the Back button is usable again.
 */
export function useLeaveForCheckout() {
  const leaving = ref(false);
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) leaving.value = false;
  };
  window.addEventListener('pageshow', onPageShow);
  onScopeDispose(() => window.removeEventListener('pageshow', onPageShow));
  return {
    leaving,
    leave: (url: string) => {
      leaving.value = true;
      window.location.href = url;
    },
  };
}

/**
 * Pays an order awaiting payment: the browser goes to Stripe Checkout, which brings the
 * resident back to `/orders/<id>?paid=1` (SPEC §5: no Stripe.js on our pages).
 */
export function useCheckout() {
  const queryClient = useQueryClient();
  const { leaving, leave } = useLeaveForCheckout();
  const mutation = useMutation({
    mutationFn: checkoutUrl,
    onSuccess: leave,
    // Refused because the order moved on (paid meanwhile, expired): show it as it is now.
    onError: () => queryClient.invalidateQueries({ queryKey: ordersQueryKey }),
  });
  return {
    pay: (orderId: string) => mutation.mutate(orderId),
    busy: computed(() => mutation.isPending.value || leaving.value),
    error: mutation.error,
  };
}
