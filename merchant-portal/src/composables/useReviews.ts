import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, type Ref } from 'vue';
import { trpc } from '@cgp/kit/api';

/** The merchant's reviews, newest first, optionally of one star rating, with the summary. */
export function useReviews(rating: Ref<number | undefined>) {
  return useInfiniteQuery({
    queryKey: computed(() => ['merchant', 'reviews', rating.value ?? 'all'] as const),
    queryFn: ({ pageParam }) =>
      trpc.merchant.reviews.list.query({ rating: rating.value, cursor: pageParam, limit: 20 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The merchant's one reply to a rating; the list refreshes once it is saved. */
export function useReplyToReview() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { orderId: string; reply: string }) =>
      trpc.merchant.reviews.reply.mutate(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['merchant', 'reviews'] }),
  });
}

/** This month's and last month's KPIs (business time, UTC+8), for the month-on-month change. */
export function useMerchantKpis() {
  const now = new Date(Date.now() + 8 * 3_600_000);
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const at = (months: number) => new Date(Date.UTC(y, m + months, 1) - 8 * 3_600_000).toISOString();
  const thisMonth = `${y}-${String(m + 1).padStart(2, '0')}`;
  const lastMonth = new Date(Date.UTC(y, m - 1, 1)).toISOString().slice(0, 7);
  const query = useQuery({
    queryKey: ['merchant', 'quality', thisMonth],
    queryFn: () => trpc.merchant.quality.kpis.query({ from: at(-1), to: at(1) }),
  });
  const row = (month: string) =>
    computed(() => query.data.value?.rows.find((r) => r.key === month));
  return { query, current: row(thisMonth), previous: row(lastMonth) };
}
