import type { TRPCRouterRecord } from '@trpc/server';
import { opsProcedure, propertyProcedure } from '../../trpc';
import { createCommissionRule, listCommissionRules } from './commission-rules.service';
import { createCommissionRuleInput } from './commission.schema';

/** Commission rules (`commission.*`): property staff read them, operations add them. */
export const commissionRouter = {
  list: propertyProcedure.query(({ ctx }) => listCommissionRules(ctx.db, ctx.actor)),
  create: opsProcedure
    .input(createCommissionRuleInput)
    .mutation(({ ctx, input }) => createCommissionRule(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
