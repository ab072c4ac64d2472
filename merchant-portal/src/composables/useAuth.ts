import type { RouterInputs } from '@cgp/api/client';
import { trpc } from '@cgp/kit/api';
import { meQueryKey, signOut, type Me } from '@cgp/kit/auth';
import { useMutation, useQueryClient } from '@tanstack/vue-query';

export { meQueryKey, meQueryOptions, useLogout, useMe, type Me } from '@cgp/kit/auth';
export type LoginInput = RouterInputs['auth']['login'];

/** Whether a signed-in user may use the portal: merchant owners and staff only. */
export function isMerchantStaff(me: Me | undefined): boolean {
  return me?.role === 'merchant_staff' && Boolean(me.merchantId);
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
