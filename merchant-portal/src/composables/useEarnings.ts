import type { RouterOutputs } from '@cgp/api/client';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/vue-query';
import { computed, type Ref } from 'vue';
import { trpc } from '@cgp/kit/api';

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

/** The merchant's Stripe Connect account: whether statements can be paid out to it. */
export function useConnectStatus() {
  return useQuery({
    queryKey: ['merchant', 'connect'],
    queryFn: () => trpc.merchant.connect.status.query(),
  });
}

/** Starts (or resumes) Connect onboarding: the browser goes to the processor's hosted page. */
export function useConnectOnboarding() {
  return useMutation({
    mutationFn: () => trpc.merchant.connect.onboard.mutate(),
    onSuccess: ({ url }) => window.location.assign(url),
  });
}

/** Where a statement's CSV is downloaded from (same origin, the session cookie goes along). */
export const statementCsvUrl = (id: string) => `/merchant/export/statements/${id}.csv`;

export type EarningsByDay = RouterOutputs['merchant']['earningsByDay'];

/** The merchant's share of what it served, day by day over the last `days` business days. */
export function useEarningsByDay(days = 30) {
  return useQuery({
    queryKey: ['merchant', 'earnings', 'byDay', days],
    queryFn: () => trpc.merchant.earningsByDay.query({ days }),
  });
}
