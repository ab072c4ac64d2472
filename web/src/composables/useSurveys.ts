import type { RouterInputs, RouterOutputs } from '@cgp/api/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed } from 'vue';
import { trpc } from '@cgp/kit/api';

export type MySurvey = RouterOutputs['me']['surveys']['list'][number];
const surveysQueryKey = ['surveys'] as const;

/** The festival surveys open to my household now (the message that invites us to answer). */
export function useMySurveys(enabled: () => boolean = () => true) {
  return useQuery({
    queryKey: surveysQueryKey,
    queryFn: () => trpc.me.surveys.list.query(),
    enabled,
    staleTime: 30_000,
  });
}

/** How many open surveys my household has yet to answer: each counts on the 消息 badge. */
export function useUnansweredSurveys(enabled: () => boolean) {
  const surveys = useMySurveys(enabled);
  return computed(() => (surveys.data.value ?? []).filter((s) => !s.answered).length);
}

/** Sends my household's answer; the list then shows it answered. */
export function useAnswerSurvey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: RouterInputs['me']['surveys']['answer']) =>
      trpc.me.surveys.answer.mutate(input),
    onSettled: () => queryClient.invalidateQueries({ queryKey: surveysQueryKey }),
  });
}
