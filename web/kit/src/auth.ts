import type { RouterOutputs } from '@cgp/api/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { trpc } from './api';
import { isUnauthorized } from './errors';

export type Me = RouterOutputs['auth']['me'];

export const meQueryKey = ['auth', 'me'] as const;

export const meQueryOptions = {
  queryKey: meQueryKey,
  queryFn: () => trpc.auth.me.query(),
  staleTime: 5 * 60_000,
};

/** The signed-in user; each app's route guard has loaded it before a signed-in page renders. */
export function useMe() {
  return useQuery(meQueryOptions);
}

/** Ends the session; one that has already ended is as good as signed out. */
export async function signOut(): Promise<void> {
  try {
    await trpc.auth.logout.mutate();
  } catch (error) {
    if (!isUnauthorized(error)) throw error;
  }
}

/** Signs out and forgets everything cached for this user. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: signOut, onSuccess: () => queryClient.clear() });
}
