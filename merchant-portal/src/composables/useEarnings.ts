import type { RouterOutputs } from '@cgp/api/client';
import { useInfiniteQuery, useQuery } from '@tanstack/vue-query';
import { computed, type Ref } from 'vue';
import { trpc } from '../lib/trpc';

export type Statement = RouterOutputs['merchant']['statements']['list']['items'][number];

export function useEarnings() {
  return useQuery({
    queryKey: ['merchant', 'earnings'],
    queryFn: () => trpc.merchant.earnings.query(),
  });
}

export function useStatements() {
  return useInfiniteQuery({
    queryKey: ['merchant', 'statements'],
    queryFn: ({ pageParam }) =>
      trpc.merchant.statements.list.query({ cursor: pageParam, limit: 20 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useStatement(id: Ref<string | null>) {
  return useQuery({
    queryKey: computed(() => ['merchant', 'statements', id.value] as const),
    queryFn: () => trpc.merchant.statements.get.query({ id: id.value! }),
    enabled: computed(() => id.value !== null),
  });
}
