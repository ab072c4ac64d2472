import type { RouterInputs, RouterOutputs } from '@cgp/api/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { trpc } from '@cgp/kit/api';

export type MySurvey = RouterOutputs['me']['surveys']['list'][number];
const surveysQueryKey = ['surveys'] as const;

/** The festival surveys open to my household now (the message that invites us to answer). */
export function useMySurveys() {
  return useQuery({
    queryKey: surveysQueryKey,
    queryFn: () => trpc.me.surveys.list.query(),
    staleTime: 30_000,
  });
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
