import type { RouterInputs, RouterOutputs } from '@cgp/api/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { trpc } from '@cgp/kit/api';

export type Worker = RouterOutputs['merchant']['workers']['list']['items'][number];

const WORKERS_KEY = ['merchant', 'workers'] as const;

/** The merchant's workers (服务人员) with how many open orders each holds now. Owner only. */
export function useWorkers(enabled: () => boolean = () => true) {
  return useQuery({
    queryKey: WORKERS_KEY,
    queryFn: () => trpc.merchant.workers.list.query(),
    enabled,
  });
}

function useWorkerMutation<I, R>(mutate: (input: I) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: mutate,
    onSettled: () => queryClient.invalidateQueries({ queryKey: WORKERS_KEY }),
  });
}

export const useCreateWorker = () =>
  useWorkerMutation((input: RouterInputs['merchant']['workers']['create']) =>
    trpc.merchant.workers.create.mutate(input),
  );
export const useUpdateWorker = () =>
  useWorkerMutation((input: RouterInputs['merchant']['workers']['update']) =>
    trpc.merchant.workers.update.mutate(input),
  );

/** `merchant.orders.assign`: gives an order to another worker; refreshes the order and workers. */
export function useAssignOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: RouterInputs['merchant']['orders']['assign']) =>
      trpc.merchant.orders.assign.mutate(input),
    onSettled: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: WORKERS_KEY }),
        queryClient.invalidateQueries({ queryKey: ['merchant', 'orders'] }),
      ]);
    },
  });
}
