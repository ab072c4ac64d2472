import type { RouterInputs } from '@cgp/api/client';
import { meQueryKey, type Me } from '@cgp/kit/auth';
import { trpc } from '@cgp/kit/api';
import { useMutation, useQueryClient } from '@tanstack/vue-query';

export { meQueryKey, meQueryOptions, useLogout, useMe, type Me } from '@cgp/kit/auth';
export type LoginInput = RouterInputs['auth']['login'];

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
