import type { RouterInputs, RouterOutputs } from '@cgp/api/client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { trpc } from '@cgp/kit/api';

export type FamilyMember = RouterOutputs['me']['family']['list']['items'][number];
export type FamilyMemberInput = RouterInputs['me']['family']['create'];
export type CommunityUnit = RouterOutputs['me']['addresses']['units']['items'][number];
export type ServicePlace = RouterOutputs['me']['addresses']['list']['items'][number];

export const familyQueryKey = ['family'] as const;

/** The care recipients I book for (家人). */
export function useFamilyList(enabled: () => boolean = () => true) {
  return useQuery({
    queryKey: [...familyQueryKey, 'list'] as const,
    queryFn: async () => (await trpc.me.family.list.query()).items,
    enabled,
  });
}

/** Where I can be served: home, then my family's units. */
export function useServicePlaces() {
  return useQuery({
    queryKey: [...familyQueryKey, 'places'] as const,
    queryFn: async () => (await trpc.me.addresses.list.query()).items,
  });
}

/** The units of my community, to say where a family member lives. */
export function useCommunityUnits(enabled: () => boolean) {
  return useQuery({
    queryKey: ['community-units'] as const,
    queryFn: async () => (await trpc.me.addresses.units.query()).items,
    enabled,
    staleTime: 10 * 60_000,
  });
}

/** Saves a family member: a new one, or changes to one (`id`). */
export function useSaveFamilyMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: FamilyMemberInput & { id?: string }) =>
      input.id
        ? trpc.me.family.update.mutate({ ...input, id: input.id })
        : trpc.me.family.create.mutate(input),
    onSettled: () => queryClient.invalidateQueries({ queryKey: familyQueryKey }),
  });
}

export function useRemoveFamilyMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => trpc.me.family.remove.mutate({ id }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: familyQueryKey }),
  });
}
