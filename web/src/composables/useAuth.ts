import type { RouterInputs, RouterOutputs } from '@cgp/api/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { isUnauthorized } from '../lib/errors';
import { trpc } from '../lib/trpc';

export type Me = RouterOutputs['auth']['me'];
export type LoginInput = RouterInputs['auth']['login'];

export const meQueryKey = ['auth', 'me'] as const;

export const meQueryOptions = {
  queryKey: meQueryKey,
  queryFn: () => trpc.auth.me.query(),
  staleTime: 5 * 60_000,
};

/** The signed-in user; the route guard has loaded it before any signed-in page renders. */
export function useMe() {
  return useQuery(meQueryOptions);
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: LoginInput) => trpc.auth.login.mutate(input),
    onSuccess: ({ user }) => {
      // Nothing cached for a previous user may show to this one.
      queryClient.clear();
      queryClient.setQueryData<Me>(meQueryKey, user);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await trpc.auth.logout.mutate();
      } catch (error) {
        // A session that has already ended is as good as signed out.
        if (!isUnauthorized(error)) throw error;
      }
    },
    onSuccess: () => queryClient.clear(),
  });
}
