import type { RouterOutputs, ServiceCategory } from '@cgp/api/client';
import { useInfiniteQuery, useQuery } from '@tanstack/vue-query';
import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { businessDayRange } from '@cgp/kit/time';
import { trpc } from '@cgp/kit/api';

export type ServiceSummary = RouterOutputs['catalog']['services']['items'][number];
export type ServiceDetail = RouterOutputs['catalog']['service'];
export type Slot = RouterOutputs['catalog']['slots']['items'][number];
export type PricingUnit = ServiceSummary['pricingUnit'];

/** Services offered in my community, optionally of one category, a page at a time. */
export function useServices(category: MaybeRefOrGetter<ServiceCategory | undefined>) {
  return useInfiniteQuery({
    queryKey: computed(() => ['catalog', 'services', { category: toValue(category) }] as const),
    queryFn: ({ pageParam }) =>
      trpc.catalog.services.query({ category: toValue(category), cursor: pageParam, limit: 50 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useService(id: MaybeRefOrGetter<string>) {
  return useQuery({
    queryKey: computed(() => ['catalog', 'service', toValue(id)] as const),
    queryFn: () => trpc.catalog.service.query({ id: toValue(id) }),
  });
}

/** The slots of one business day (Asia/Shanghai) for a service. */
export function useDaySlots(serviceId: MaybeRefOrGetter<string>, day: MaybeRefOrGetter<string>) {
  return useQuery({
    queryKey: computed(() => ['catalog', 'slots', toValue(serviceId), toValue(day)] as const),
    queryFn: async () => {
      const page = await trpc.catalog.slots.query({
        serviceId: toValue(serviceId),
        ...businessDayRange(toValue(day)),
        limit: 500,
      });
      return page.items;
    },
    // Capacity changes as neighbours book; keep it fresh.
    staleTime: 10_000,
  });
}

export type Dish = RouterOutputs['catalog']['menu']['items'][number];

/** A meal service's dishes (its menu); other services have none and never ask. */
export function useMenu(serviceId: MaybeRefOrGetter<string>, enabled: MaybeRefOrGetter<boolean>) {
  return useQuery({
    queryKey: computed(() => ['catalog', 'menu', toValue(serviceId)] as const),
    queryFn: async () => (await trpc.catalog.menu.query({ serviceId: toValue(serviceId) })).items,
    enabled: computed(() => toValue(enabled)),
    // A dish can sell out while the page is open.
    staleTime: 30_000,
  });
}
