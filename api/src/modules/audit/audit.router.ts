import type { TRPCRouterRecord } from '@trpc/server';
import { operatorProcedure, propertyProcedure } from '../../trpc';
import { tenantScopeOf } from '../identity/tenant-scope';
import { revenueShareInput } from './audit.schema';
import { checkInvariants } from './invariants.service';
import { latestReconciliations } from './reconciliation.service';
import { revenueShare } from './revenue-share.service';

/** Read-only audit for property staff (`audit.*`). */
export const auditRouter = {
  /** The company's own books for its staff; the whole deployment's for the operator. */
  invariants: operatorProcedure.query(({ ctx }) =>
    checkInvariants(ctx.db, tenantScopeOf(ctx.actor), ctx.payments?.stripe),
  ),
  /** The latest nightly reconciliations against the processor, as far as the scope reaches. */
  reconciliation: operatorProcedure.query(({ ctx }) =>
    latestReconciliations(ctx.db, tenantScopeOf(ctx.actor), 10),
  ),
  revenueShare: propertyProcedure
    .input(revenueShareInput)
    .query(({ ctx, input }) => revenueShare(ctx.db, ctx.actor, input, ctx.env.TZ_BUSINESS)),
} satisfies TRPCRouterRecord;
