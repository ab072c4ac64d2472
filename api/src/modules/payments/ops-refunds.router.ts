import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { operatorProcedure, opsProcedure } from '../../trpc';
import { tenantScopeOf } from '../identity/tenant-scope';
import { listOpenRefunds, retryRefund } from './ops-refunds.service';

export const listRefundsInput = z.object({
  /** `failed`: refused by the processor, waiting for ops; `pending`: on its way. Both if omitted. */
  status: z.enum(['failed', 'pending']).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const retryRefundInput = z.object({ refundId: z.string().uuid() });

/** Refunds that are not done (`ops.refunds.*`): a company's for its staff, all for the operator. */
export const opsRefundsRouter = {
  list: operatorProcedure
    .input(listRefundsInput)
    .query(({ ctx, input }) => listOpenRefunds(ctx.db, tenantScopeOf(ctx.actor), input)),
  retry: opsProcedure
    .input(retryRefundInput)
    .mutation(({ ctx, input }) => retryRefund(ctx.db, ctx.actor, input.refundId)),
} satisfies TRPCRouterRecord;
