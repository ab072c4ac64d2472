import type { RouterOutputs } from '@cgp/api/client';
import { trpc } from '@cgp/kit/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, type Ref } from 'vue';

export type Dispute = RouterOutputs['console']['disputes']['items'][number];

/** The dispute being decided, as the list and the dispute page both know it. */
export interface DisputeToResolve {
  orderId: string;
  orderNo: string;
  residentName: string;
  merchantName: string;
  reason: string;
  totalFen: number;
  refundFen: number;
}

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

export type DisputeDetail = RouterOutputs['console']['dispute'];

/** One dispute with both sides, the photos, the order and what is left to refund. */
export function useDispute(orderId: Ref<string>) {
  return useQuery({
    queryKey: computed(() => ['console', 'dispute', orderId.value]),
    queryFn: () => trpc.console.dispute.query({ orderId: orderId.value }),
  });
}

/** What a proposed refund leaves of the order and how that is shared, asked just before confirming. */
export function fetchDisputeRefundPreview(orderId: string, refundFen: number) {
  return trpc.console.disputeRefundPreview.query({ orderId, refundFen });
}
