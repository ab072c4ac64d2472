import type { TRPCRouterRecord } from '@trpc/server';
import { operatorProcedure, propertyProcedure } from '../../trpc';
import { tenantScopeOf } from '../identity/tenant-scope';
import { processorOf } from '../payments/processor';
import { reconciliationPeriodInput, revenueShareInput } from './audit.schema';
import { checkInvariants } from './invariants.service';
import { reconcileNow, reconciliationForPeriod } from './reconciliation-status.service';
import { revenueShare } from './revenue-share.service';

/** Read-only audit for property staff (`audit.*`). */
export const auditRouter = {
  /** The company's own books for its staff; the whole deployment's for the operator. */
  invariants: operatorProcedure.query(({ ctx }) =>
    checkInvariants(ctx.db, tenantScopeOf(ctx.actor), ctx.payments?.stripe),
  ),
  /** Each business day of the period against the processor, as far as the scope reaches. */
  reconciliation: operatorProcedure
    .input(reconciliationPeriodInput)
    .query(({ ctx, input }) =>
      reconciliationForPeriod(
        { db: ctx.db, stripe: processorOf(ctx).stripe, timeZone: ctx.env.TZ_BUSINESS },
        tenantScopeOf(ctx.actor),
        input,
      ),
    ),
  /** Reconciles the period again now (it reads the processor and writes only the result). */
  reconcile: operatorProcedure
    .input(reconciliationPeriodInput)
    .mutation(({ ctx, input }) =>
      reconcileNow(
        { db: ctx.db, stripe: processorOf(ctx).stripe, timeZone: ctx.env.TZ_BUSINESS },
        ctx.actor,
        tenantScopeOf(ctx.actor),
        input,
      ),
    ),
  revenueShare: propertyProcedure
    .input(revenueShareInput)
    .query(({ ctx, input }) => revenueShare(ctx.db, ctx.actor, input, ctx.env.TZ_BUSINESS)),
} satisfies TRPCRouterRecord;
