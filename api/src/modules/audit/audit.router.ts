import type { TRPCRouterRecord } from '@trpc/server';
import { propertyProcedure } from '../../trpc';
import { revenueShareInput } from './audit.schema';
import { checkInvariants } from './invariants.service';
import { latestReconciliations } from './reconciliation.service';
import { revenueShare } from './revenue-share.service';

/** Read-only audit for property staff (`audit.*`). */
export const auditRouter = {
  invariants: propertyProcedure.query(({ ctx }) => checkInvariants(ctx.db)),
  /** The latest nightly reconciliations of our books against the processor. */
  reconciliation: propertyProcedure.query(({ ctx }) => latestReconciliations(ctx.db, 10)),
  revenueShare: propertyProcedure
    .input(revenueShareInput)
    .query(({ ctx, input }) => revenueShare(ctx.db, ctx.actor, input, ctx.env.TZ_BUSINESS)),
} satisfies TRPCRouterRecord;
