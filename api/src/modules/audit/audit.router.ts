import type { TRPCRouterRecord } from '@trpc/server';
import { propertyProcedure } from '../../trpc';
import { revenueShareInput } from './audit.schema';
import { checkInvariants } from './invariants.service';
import { revenueShare } from './revenue-share.service';

/** Read-only audit for property staff (`audit.*`). */
export const auditRouter = {
  invariants: propertyProcedure.query(({ ctx }) => checkInvariants(ctx.db)),
  revenueShare: propertyProcedure
    .input(revenueShareInput)
    .query(({ ctx, input }) => revenueShare(ctx.db, ctx.actor, input, ctx.env.TZ_BUSINESS)),
} satisfies TRPCRouterRecord;
