import type { RouterOutputs } from '@cgp/api/client';
import { trpc } from '@cgp/kit/api';
import { useQuery } from '@tanstack/vue-query';
import { computed, type Ref } from 'vue';

export type ConsoleKpis = RouterOutputs['console']['kpis'];
export type ConsoleTrends = RouterOutputs['console']['trends'];

/** The landing page's cards; refreshed each minute while the page is open. */
export function useConsoleKpis() {
  return useQuery({
    queryKey: ['console', 'kpis'],
    queryFn: () => trpc.console.kpis.query(),
    refetchInterval: 60_000,
  });
}

/** Gross and platform share by day (30 days) or month (12 months), with month on month. */
export function useConsoleTrends(granularity: Ref<'day' | 'month'>) {
  return useQuery({
    queryKey: computed(() => ['console', 'trends', granularity.value]),
    queryFn: () => trpc.console.trends.query({ granularity: granularity.value }),
  });
}
