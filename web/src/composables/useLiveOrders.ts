import { useQueryClient } from '@tanstack/vue-query';
import { onScopeDispose, watch, type WatchSource } from 'vue';
import { trpc } from '@cgp/kit/api';
import { messagesQueryKey } from './useMessages';
import { ordersQueryKey } from './useOrders';

/**
 * While a resident is signed in, listens to `order.live` (server-sent events): whenever one of
 * their orders changes — the merchant accepts it, a timer refunds it, the payment lands — the
 * order page and list on screen read it again, and so do the messages and their badge. The
 * browser reconnects by itself after a dropped connection and resumes from the last event.
 */
export function useLiveOrders(signedInResident: WatchSource<boolean>) {
  const queryClient = useQueryClient();
  let stop: (() => void) | null = null;

  function listen() {
    const subscription = trpc.order.live.subscribe(undefined, {
      onData: () => {
        void queryClient.invalidateQueries({ queryKey: ordersQueryKey });
        void queryClient.invalidateQueries({ queryKey: messagesQueryKey });
      },
      // A signed-out session ends the feed; the next page's request takes the resident to login.
      onError: () => (stop = null),
    });
    stop = () => subscription.unsubscribe();
  }

  watch(
    signedInResident,
    (on) => {
      if (on && !stop) listen();
      if (!on && stop) {
        stop();
        stop = null;
      }
    },
    { immediate: true },
  );
  onScopeDispose(() => stop?.());
}
