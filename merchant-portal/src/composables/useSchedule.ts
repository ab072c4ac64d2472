import type { RouterInputs, RouterOutputs } from '@cgp/api/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, type Ref } from 'vue';
import { businessDayRange } from '@cgp/kit/time';
import { trpc } from '@cgp/kit/api';

export type MerchantSlot = RouterOutputs['merchant']['schedule']['slots']['items'][number];
type Template = RouterInputs['merchant']['schedule']['applyTemplate'];

const slotsKey = ['merchant', 'schedule', 'slots'] as const;

/** A service's slots over business days `first`..`last`. */
export function useServiceSlots(
  serviceId: Ref<string | null>,
  first: Ref<string>,
  last: Ref<string>,
) {
  return useQuery({
    queryKey: computed(() => [...slotsKey, serviceId.value, first.value, last.value] as const),
    queryFn: () =>
      trpc.merchant.schedule.slots.query({
        serviceId: serviceId.value!,
        ...businessDayRange(first.value, last.value),
        limit: 500,
      }),
    enabled: computed(() => serviceId.value !== null),
  });
}

function useSlotMutation<I, R>(mutate: (input: I) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: mutate,
    onSettled: () => queryClient.invalidateQueries({ queryKey: slotsKey }),
  });
}

/** What a template would create; a query on the API, asked for on demand. */
export const usePreviewTemplate = () =>
  useMutation({
    mutationFn: (input: Template) => trpc.merchant.schedule.previewTemplate.query(input),
  });
export const useApplyTemplate = () =>
  useSlotMutation((input: Template) => trpc.merchant.schedule.applyTemplate.mutate(input));
export const useSetCapacity = () =>
  useSlotMutation((input: RouterInputs['merchant']['schedule']['setCapacity']) =>
    trpc.merchant.schedule.setCapacity.mutate(input),
  );
export const useCloseDay = () =>
  useSlotMutation((input: RouterInputs['merchant']['schedule']['closeDay']) =>
    trpc.merchant.schedule.closeDay.mutate(input),
  );
