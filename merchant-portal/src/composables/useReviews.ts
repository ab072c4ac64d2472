import { useInfiniteQuery } from '@tanstack/vue-query';
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
