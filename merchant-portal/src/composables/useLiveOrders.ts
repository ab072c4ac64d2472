import { useQueryClient } from '@tanstack/vue-query';
import { inject, onScopeDispose, provide, reactive, ref, type InjectionKey, type Ref } from 'vue';
import { isUnauthorized } from '@cgp/kit/errors';
import { isNewArrival, type MerchantOrder } from '../lib/orders';
import { trpc } from '@cgp/kit/api';
import { applyOrderChange, findQueuedOrder } from './useOrders';

export type LiveState = 'connecting' | 'connected' | 'offline';

export interface LiveOrders {
  state: Ref<LiveState>;
  /** Orders that just arrived, to highlight for a while. */
  fresh: Set<string>;
}

const KEY: InjectionKey<LiveOrders> = Symbol('live-orders');
/** How long a new order stays highlighted. */
const FRESH_MS = 15_000;

/**
 * Subscribes to `merchant.orders.live` for as long as the portal layout lives: every change goes
 * into the cached queue, and orders that just became payable are highlighted and announced.
 */
export function provideLiveOrders(handlers: {
  onArrival: (order: MerchantOrder) => void;
  /** Every change, after the queue has it. */
  onChange: (order: MerchantOrder) => void;
  onSignedOut: () => void;
}): LiveOrders {
  const queryClient = useQueryClient();
  const live: LiveOrders = { state: ref<LiveState>('connecting'), fresh: reactive(new Set()) };
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const subscription = trpc.merchant.orders.live.subscribe(undefined, {
    onStarted: () => (live.state.value = 'connected'),
    onConnectionStateChange: (state) => {
      if (state.state === 'pending') live.state.value = 'connected';
      else if (state.state === 'connecting')
        live.state.value = state.error ? 'offline' : 'connecting';
    },
    onData: ({ data: order }) => {
      const previous = findQueuedOrder(queryClient, order.id);
      applyOrderChange(queryClient, order);
      handlers.onChange(order);
      if (!isNewArrival(previous, order)) return;
      live.fresh.add(order.id);
      const timer = setTimeout(() => {
        live.fresh.delete(order.id);
        timers.delete(timer);
      }, FRESH_MS);
      timers.add(timer);
      handlers.onArrival(order);
    },
    onError: (error) => {
      live.state.value = 'offline';
      if (isUnauthorized(error)) handlers.onSignedOut();
    },
  });
  onScopeDispose(() => {
    subscription.unsubscribe();
    for (const timer of timers) clearTimeout(timer);
  });
  provide(KEY, live);
  return live;
}

export function useLiveOrders(): LiveOrders {
  const live = inject(KEY);
  if (!live) throw new Error('useLiveOrders() needs provideLiveOrders() in the layout');
  return live;
}
