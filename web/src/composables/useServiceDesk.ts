import { useQuery } from '@tanstack/vue-query';
import { trpc } from '@cgp/kit/api';

/** The property service desk (客服) of my community's company: null until the office sets it. */
export function useServiceDesk() {
  return useQuery({
    queryKey: ['service-desk'] as const,
    queryFn: () => trpc.me.serviceDesk.query(),
    staleTime: 10 * 60_000,
  });
}
