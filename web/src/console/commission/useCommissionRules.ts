import type { RouterInputs, RouterOutputs } from '@cgp/api/client';
import { trpc } from '@cgp/kit/api';
import { addDays, businessDay } from '@cgp/kit/time';
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';

export type CommissionRule = RouterOutputs['commission']['list']['items'][number];
export type CommissionScope = RouterInputs['commission']['create']['scope'];

/** The company's commission rules, latest first. */
export function useCommissionRules() {
  return useQuery({
    queryKey: ['console', 'commission'],
    queryFn: () => trpc.commission.list.query(),
  });
}

/** Where a rule stands now: not yet in force, in force, or ended. */
export function ruleState(rule: CommissionRule, now = Date.now()): 'upcoming' | 'active' | 'ended' {
  if (rule.effectiveTo && new Date(rule.effectiveTo).getTime() <= now) return 'ended';
  return new Date(rule.effectiveFrom).getTime() > now ? 'upcoming' : 'active';
}

/** Tomorrow at 00:00 business time: the usual moment a rule starts or ends. */
export function tomorrowMidnight(now = new Date()): string {
  return `${addDays(businessDay(now), 1)}T00:00:00+08:00`;
}

/** What the rule's scope pays from `at` once the rule ends there (for the confirmation). */
export function previewRuleEnd(ruleId: string, at: string) {
  return trpc.commission.preview.query({ ruleId, at });
}

/** property_ops adds, changes (from a date) and ends rules; the console reads them again after. */
export function useRuleMutations() {
  const queryClient = useQueryClient();
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: ['console'] });
  return {
    create: useMutation({
      mutationFn: (input: RouterInputs['commission']['create']) =>
        trpc.commission.create.mutate(input),
      onSuccess,
    }),
    update: useMutation({
      mutationFn: (input: RouterInputs['commission']['update']) =>
        trpc.commission.update.mutate(input),
      onSuccess,
    }),
    end: useMutation({
      mutationFn: (input: RouterInputs['commission']['end']) => trpc.commission.end.mutate(input),
      onSuccess,
    }),
  };
}
