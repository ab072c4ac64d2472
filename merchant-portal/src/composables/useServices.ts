import type { RouterInputs } from '@cgp/api/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { trpc } from '@cgp/kit/api';

const SERVICES_KEY = ['merchant', 'services'] as const;

/** The merchant's services, listed or not (a merchant has a handful; one page holds them). */
export function useMerchantServices() {
  return useQuery({
    queryKey: SERVICES_KEY,
    queryFn: () => trpc.merchant.services.list.query({ limit: 100 }),
  });
}

function useServiceMutation<I, R>(mutate: (input: I) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: mutate,
    onSettled: () => queryClient.invalidateQueries({ queryKey: SERVICES_KEY }),
  });
}

export const useCreateService = () =>
  useServiceMutation((input: RouterInputs['merchant']['services']['create']) =>
    trpc.merchant.services.create.mutate(input),
  );
export const useUpdateService = () =>
  useServiceMutation((input: RouterInputs['merchant']['services']['update']) =>
    trpc.merchant.services.update.mutate(input),
  );
export const useSetServiceActive = () =>
  useServiceMutation((input: RouterInputs['merchant']['services']['setActive']) =>
    trpc.merchant.services.setActive.mutate(input),
  );
