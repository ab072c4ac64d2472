import type { RouterInputs } from '@cgp/api/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { trpc } from '@cgp/kit/api';

const DISHES_KEY = ['merchant', 'dishes'] as const;

/** The menu of one of the merchant's meal services (none asked while no service is open). */
export function useDishes(serviceId: MaybeRefOrGetter<string | null>) {
  return useQuery({
    queryKey: computed(() => [...DISHES_KEY, toValue(serviceId)] as const),
    queryFn: async () =>
      (await trpc.merchant.dishes.list.query({ serviceId: toValue(serviceId) ?? '' })).items,
    enabled: computed(() => toValue(serviceId) !== null),
  });
}

function useDishMutation<I, R>(mutate: (input: I) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: mutate,
    onSettled: () => queryClient.invalidateQueries({ queryKey: DISHES_KEY }),
  });
}

type Dishes = RouterInputs['merchant']['dishes'];
export const useCreateDish = () =>
  useDishMutation((input: Dishes['create']) => trpc.merchant.dishes.create.mutate(input));
export const useUpdateDish = () =>
  useDishMutation((input: Dishes['update']) => trpc.merchant.dishes.update.mutate(input));
export const useSetDishAvailable = () =>
  useDishMutation((input: Dishes['setAvailable']) =>
    trpc.merchant.dishes.setAvailable.mutate(input),
  );
export const useRemoveDish = () =>
  useDishMutation((input: Dishes['remove']) => trpc.merchant.dishes.remove.mutate(input));
