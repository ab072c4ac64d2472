import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { opsProcedure } from '../../trpc';
import { recordAudit } from '../audit/audit-log';
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
  resolveDispute: opsProcedure.input(resolveDisputeInput).mutation(async ({ ctx, input }) => {
    const resolved = await resolveDispute(ctx.db, ctx.actor, input, timersFrom(ctx.env));
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: 'ops.resolveDispute',
      subjectType: 'order',
      subjectId: input.orderId,
      after: {
        outcome: input.outcome,
        refundFen: resolved.refundFen ?? null,
        note: input.note,
        status: resolved.order.status,
      },
    });
    return resolved;
  }),
  refundOrder: opsProcedure.input(refundOrderInput).mutation(async ({ ctx, input }) => {
    const refunded = await refundEarnedOrder(ctx.db, ctx.actor, input);
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: 'ops.refundOrder',
      subjectType: 'order',
      subjectId: input.orderId,
      after: { amountFen: input.amountFen, reason: input.reason },
    });
    return refunded;
  }),
} satisfies TRPCRouterRecord;
