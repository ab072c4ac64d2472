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

/** Whether a signed-in user may use the portal: merchant owners and staff only. */
export function isMerchantStaff(me: Me | undefined): boolean {
  return me?.role === 'merchant_staff' && Boolean(me.merchantId);
}

export function useMe() {
  return useQuery(meQueryOptions);
}

async function signOut(): Promise<void> {
  try {
    await trpc.auth.logout.mutate();
  } catch (error) {
    // A session that has already ended is as good as signed out.
    if (!isUnauthorized(error)) throw error;
  }
}

/**
 * Signs in; an account that is not merchant staff is signed straight out again (it was signed in
 * only to find that out) and the result says so.
 */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: LoginInput) => {
      const { user } = await trpc.auth.login.mutate(input);
      if (!isMerchantStaff(user)) {
        await signOut();
        return { user, merchant: false as const };
      }
      return { user, merchant: true as const };
    },
    onSuccess: ({ user, merchant }) => {
      // Nothing cached for a previous user may show to this one.
      queryClient.clear();
      if (merchant) queryClient.setQueryData<Me>(meQueryKey, user);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: signOut, onSuccess: () => queryClient.clear() });
}
