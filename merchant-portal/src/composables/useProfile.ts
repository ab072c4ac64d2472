import type { RouterOutputs } from '@cgp/api/client';
import { useQuery } from '@tanstack/vue-query';
import { computed } from 'vue';
import { trpc } from '@cgp/kit/api';

export type MerchantProfile = RouterOutputs['merchant']['profile'];

/** The signed-in user's merchant: name, role, and the communities it serves. */
export function useProfile() {
  const query = useQuery({
    queryKey: ['merchant', 'profile'],
    queryFn: () => trpc.merchant.profile.query(),
    staleTime: 5 * 60_000,
  });
  const isOwner = computed(() => query.data.value?.role === 'owner');
  const communityName = (id: string) =>
    query.data.value?.communities.find((c) => c.id === id)?.name ?? id.slice(0, 8);
  return { ...query, isOwner, communityName };
}
