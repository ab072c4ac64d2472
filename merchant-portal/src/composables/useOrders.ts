import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/vue-query';
import { computed, type Ref } from 'vue';
import {
  listInput,
  matchesFilter,
  mergeOrder,
  type MerchantAction,
  type MerchantOrder,
  type OrderPage,
  type QueueFilter,
} from '../lib/orders';
import { trpc } from '@cgp/kit/api';

type QueueData = InfiniteData<OrderPage, string | undefined>;

const LIST_KEY = ['merchant', 'orders', 'list'] as const;
const detailKey = (id: string | null) => ['merchant', 'orders', 'detail', id] as const;

/** The order queue as filtered, page by page (newest first). */
export function useOrderQueue(filter: Ref<QueueFilter>) {
  return useInfiniteQuery({
    queryKey: computed(() => [...LIST_KEY, filter.value] as const),
    queryFn: ({ pageParam }) => trpc.merchant.orders.list.query(listInput(filter.value, pageParam)),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // The live feed keeps the queue current; a refetch now and then catches anything missed.
    staleTime: 60_000,
  });
}

/** One order with its timeline, while a drawer shows it. */
export function useOrderDetail(id: Ref<string | null>) {
  return useQuery({
    queryKey: computed(() => detailKey(id.value)),
    queryFn: () => trpc.merchant.orders.get.query({ id: id.value! }),
    enabled: computed(() => id.value !== null),
    // Opening the drawer shows the order as it is now (what may be done with it changes with time).
    staleTime: 0,
  });
}

/** The order as the queue last showed it, from any cached page. */
export function findQueuedOrder(queryClient: QueryClient, id: string): MerchantOrder | undefined {
  for (const [, data] of queryClient.getQueriesData<QueueData>({ queryKey: LIST_KEY })) {
    const found = data?.pages.flatMap((p) => p.items).find((o) => o.id === id);
    if (found) return found;
  }
  return undefined;
}

/** Puts a changed order into every cached queue (as each is filtered) and refreshes its detail. */
export function applyOrderChange(queryClient: QueryClient, order: MerchantOrder): void {
  for (const [key, data] of queryClient.getQueriesData<QueueData>({ queryKey: LIST_KEY })) {
    if (!data) continue;
    const filter = key[3] as QueueFilter;
    queryClient.setQueryData<QueueData>(key, {
      ...data,
      pages: mergeOrder(data.pages, order, matchesFilter(order, filter)),
    });
  }
  void queryClient.invalidateQueries({ queryKey: detailKey(order.id) });
}

export interface ActionInput {
  id: string;
  action: MerchantAction;
  reason?: string;
}

function perform({ id, action, reason }: ActionInput) {
  const orders = trpc.merchant.orders;
  switch (action) {
    case 'accept':
      return orders.accept.mutate({ id });
    case 'reject':
      return orders.reject.mutate({ id, reason: reason ?? '' });
    case 'start':
      return orders.start.mutate({ id });
    case 'complete':
      return orders.complete.mutate({ id });
    case 'cancel':
      return orders.cancel.mutate({ id, reason: reason ?? '' });
  }
}

/** accept / reject / start / complete / cancel; the queue shows the result at once. */
export function useOrderAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: perform,
    onSuccess: ({ order }) => applyOrderChange(queryClient, order),
    // A refused action (someone else moved the order first) means our copy is stale.
    onError: (_error, { id }) => {
      void queryClient.invalidateQueries({ queryKey: LIST_KEY });
      void queryClient.invalidateQueries({ queryKey: detailKey(id) });
    },
  });
}
