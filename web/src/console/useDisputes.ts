import type { RouterOutputs } from '@cgp/api/client';
import { trpc } from '@cgp/kit/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, type Ref } from 'vue';

export type Dispute = RouterOutputs['console']['disputes']['items'][number];

/** The company's disputes, open (oldest first) or resolved (newest first). */
export function useDisputes(status: Ref<'open' | 'resolved'>) {
  return useQuery({
    queryKey: computed(() => ['console', 'disputes', status.value]),
    queryFn: () => trpc.console.disputes.query({ status: status.value }),
  });
}

/** property_ops settles a dispute; everything the console shows is read again afterwards. */
export function useResolveDispute() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: {
      orderId: string;
      outcome: 'confirm' | 'refund';
      refundFen?: number;
      note: string;
    }) => trpc.ops.resolveDispute.mutate(input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['console'] }),
  });
}
