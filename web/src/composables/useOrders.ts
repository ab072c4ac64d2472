import type { OrderTab, RouterInputs, RouterOutputs } from '@cgp/api/client';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { trpc } from '@cgp/kit/api';

export type OrderSummary = RouterOutputs['order']['list']['items'][number];
export type OrderDetail = RouterOutputs['order']['get'];
export type OrderEvent = OrderDetail['events'][number];
export type CancelPreview = NonNullable<OrderDetail['cancelPreview']>;

export const ordersQueryKey = ['orders'] as const;

/**
 * My orders, newest first, a page at a time (keyset cursor), under a tab of the list (all when
 * none) and matching what I searched for.
 */
export function useOrderList(
  tab: MaybeRefOrGetter<OrderTab | null> = null,
  search: MaybeRefOrGetter<string> = '',
) {
  return useInfiniteQuery({
    queryKey: computed(
      () => [...ordersQueryKey, 'list', toValue(tab), toValue(search).trim()] as const,
    ),
    queryFn: ({ pageParam }) =>
      trpc.order.list.query({
        cursor: pageParam,
        limit: 20,
        tab: toValue(tab) ?? undefined,
        search: toValue(search).trim() || undefined,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Orders move on while the resident looks elsewhere (merchant accepts, timers fire): every
    // visit asks again, showing the cached answer meanwhile.
    staleTime: 0,
  });
}

/**
 * One of my orders with its timeline and what I may do with it. `pollMs` decides, from the
 * latest answer, whether to ask again (the checkout return page waits for the webhook).
 */
export function useOrder(
  id: MaybeRefOrGetter<string>,
  pollMs: (order: OrderDetail | undefined) => number | false = () => false,
) {
  return useQuery({
    queryKey: computed(() => [...ordersQueryKey, 'detail', toValue(id)] as const),
    queryFn: () => trpc.order.get.query({ id: toValue(id) }),
    staleTime: 0,
    refetchInterval: (query) => pollMs(query.state.data),
  });
}

/**
 * A resident's action on an order. Whatever the outcome, the order is read again: on success it
 * shows its new state, on a refusal (someone else moved it first) the state that refused.
 */
function useOrderMutation<Input, Output>(run: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => queryClient.invalidateQueries({ queryKey: ordersQueryKey }),
  });
}

export const useCancelOrder = () =>
  useOrderMutation((input: RouterInputs['order']['cancel']) => trpc.order.cancel.mutate(input));

export const useConfirmOrder = () =>
  useOrderMutation((id: string) => trpc.order.confirm.mutate({ id }));

export const useDisputeOrder = () =>
  useOrderMutation((input: RouterInputs['order']['dispute']) => trpc.order.dispute.mutate(input));

export const useReviewOrder = () =>
  useOrderMutation((input: RouterInputs['order']['review']) => trpc.order.review.mutate(input));
