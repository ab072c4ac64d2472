import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { opsProcedure } from '../../trpc';
import { resolveDispute, refundEarnedOrder } from './ops-orders.service';
import { reasonSchema } from './orders.schema';
import { timersFrom } from './timers';

export const resolveDisputeInput = z
  .object({
    orderId: z.string().uuid(),
    outcome: z.enum(['confirm', 'refund']),
    /** With `refund`: how much goes back; omitted means everything that is left. */
    refundFen: z.number().int().positive().optional(),
    note: reasonSchema,
  })
  .refine((v) => v.outcome === 'refund' || v.refundFen === undefined, {
    message: 'Only a refund outcome takes an amount',
    path: ['refundFen'],
  });

export const refundOrderInput = z.object({
  orderId: z.string().uuid(),
  amountFen: z.number().int().positive(),
  reason: reasonSchema,
});

/** Property operations' hands on orders (`ops.*`). */
export const opsRouter = {
  resolveDispute: opsProcedure
    .input(resolveDisputeInput)
    .mutation(({ ctx, input }) => resolveDispute(ctx.db, ctx.actor, input, timersFrom(ctx.env))),
  refundOrder: opsProcedure
    .input(refundOrderInput)
    .mutation(({ ctx, input }) => refundEarnedOrder(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
