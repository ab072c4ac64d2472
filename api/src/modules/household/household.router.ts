import type { TRPCRouterRecord } from '@trpc/server';
import { residentProcedure } from '../../trpc';
import {
  createFamilyMemberInput,
  familyMemberIdInput,
  updateFamilyMemberInput,
} from './family.schema';
import {
  createFamilyMember,
  listAddresses,
  listCommunityUnits,
  listFamily,
  removeFamilyMember,
  updateFamilyMember,
} from './family.service';

/** `me.family.*`: the care recipients a resident books for (家人). */
export const meFamilyRouter = {
  list: residentProcedure.query(({ ctx }) => listFamily(ctx.db, ctx.actor)),
  create: residentProcedure
    .input(createFamilyMemberInput)
    .mutation(({ ctx, input }) => createFamilyMember(ctx.db, ctx.actor, input)),
  update: residentProcedure
    .input(updateFamilyMemberInput)
    .mutation(({ ctx, input }) => updateFamilyMember(ctx.db, ctx.actor, input)),
  remove: residentProcedure
    .input(familyMemberIdInput)
    .mutation(({ ctx, input }) => removeFamilyMember(ctx.db, ctx.actor, input.id)),
} satisfies TRPCRouterRecord;

/** `me.addresses.*`: where the resident can be served, and the units of their community. */
export const meAddressesRouter = {
  list: residentProcedure.query(({ ctx }) => listAddresses(ctx.db, ctx.actor)),
  units: residentProcedure.query(({ ctx }) => listCommunityUnits(ctx.db, ctx.actor)),
} satisfies TRPCRouterRecord;
