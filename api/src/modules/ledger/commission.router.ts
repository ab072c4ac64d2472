import type { TRPCRouterRecord } from '@trpc/server';
import { opsProcedure, propertyProcedure } from '../../trpc';
import {
  createCommissionRule,
  endCommissionRule,
  listCommissionRules,
  previewCommissionEnd,
  updateCommissionRule,
} from './commission-rules.service';
import {
  commissionPreviewInput,
  createCommissionRuleInput,
  endCommissionRuleInput,
  updateCommissionRuleInput,
} from './commission.schema';

/** Commission rules (`commission.*`): property staff read them, operations add, change and end them. */
export const commissionRouter = {
  list: propertyProcedure.query(({ ctx }) => listCommissionRules(ctx.db, ctx.actor)),
  create: opsProcedure
    .input(createCommissionRuleInput)
    .mutation(({ ctx, input }) => createCommissionRule(ctx.db, ctx.actor, input)),
  update: opsProcedure
    .input(updateCommissionRuleInput)
    .mutation(({ ctx, input }) => updateCommissionRule(ctx.db, ctx.actor, input)),
  end: opsProcedure
    .input(endCommissionRuleInput)
    .mutation(({ ctx, input }) => endCommissionRule(ctx.db, ctx.actor, input)),
  preview: opsProcedure
    .input(commissionPreviewInput)
    .query(({ ctx, input }) => previewCommissionEnd(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
