import type { RouterOutputs } from '@cgp/api/client';
import { trpc } from '@cgp/kit/api';
import { addDays, businessDay } from '@cgp/kit/time';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, ref } from 'vue';

export type ReconciliationView = RouterOutputs['audit']['reconciliation'];
export type ReconciliationDay = ReconciliationView['days'][number];
export type ReconciliationFinding = ReconciliationView['findings'][number];

/** The last 30 business days, today included (not reconciled until someone asks, or tonight). */
export function defaultPeriod(now = new Date()): [string, string] {
  const today = businessDay(now);
  return [addDays(today, -29), today];
}

/**
 * The reconciliation of a period of business days (Asia/Shanghai), as far as the signed-in
 * user's scope reaches, and reconciling it again on demand.
 */
export function useReconciliation() {
  const period = ref<[string, string]>(defaultPeriod());
  const input = computed(() => ({ from: period.value[0], to: period.value[1] }));
  const queryKey = computed(() => ['console', 'reconciliation', input.value]);
  const view = useQuery({
    queryKey,
    queryFn: () => trpc.audit.reconciliation.query(input.value),
    placeholderData: keepPreviousData,
  });
  const client = useQueryClient();
  const reconcile = useMutation({
    mutationFn: () => trpc.audit.reconcile.mutate(input.value),
    onSuccess: (data) => client.setQueryData(queryKey.value, data),
  });
  const findingsOf = (day: string) =>
    (view.data.value?.findings ?? []).filter((f) => f.businessDate === day);
  return { period, view, reconcile, findingsOf };
}
