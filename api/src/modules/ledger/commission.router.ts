import { commissionRules, merchants } from '@cgp/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { BadRequest } from '../../errors';
import { isoDateTime } from '../../lib/time';
import { opsProcedure, propertyProcedure } from '../../trpc';
import { recordAudit } from '../audit/audit-log';
import { serviceCategorySchema } from '../catalog/catalog.schema';

export const createCommissionRuleInput = z
  .object({
    merchantId: z.string().uuid().optional(),
    category: serviceCategorySchema.optional(),
    platformBps: z.number().int().min(0).max(10_000),
    effectiveFrom: isoDateTime,
    note: z.string().trim().max(200).optional(),
  })
  .refine((v) => !(v.merchantId && v.category), {
    message: 'A rule is for a merchant or for a category, not both',
    path: ['category'],
  });

/** Commission rules (`commission.*`): property staff read them, operations add them. */
export const commissionRouter = {
  list: propertyProcedure.query(async ({ ctx }) => {
    const rows = await ctx.db
      .select()
      .from(commissionRules)
      .where(eq(commissionRules.companyId, ctx.actor.companyId))
      .orderBy(desc(commissionRules.effectiveFrom));
    return {
      items: rows.map((r) => ({
        ...r,
        effectiveFrom: r.effectiveFrom.toISOString(),
        createdAt: r.createdAt.toISOString(),
      })),
      nextCursor: null,
    };
  }),
  create: opsProcedure.input(createCommissionRuleInput).mutation(async ({ ctx, input }) => {
    if (input.merchantId) {
      const [merchant] = await ctx.db
        .select({ id: merchants.id })
        .from(merchants)
        .where(
          and(eq(merchants.id, input.merchantId), eq(merchants.companyId, ctx.actor.companyId)),
        );
      if (!merchant) throw new BadRequest('unknown_merchant', 'No such merchant in your company');
    }
    const [rule] = await ctx.db
      .insert(commissionRules)
      .values({
        companyId: ctx.actor.companyId,
        merchantId: input.merchantId,
        category: input.category,
        platformBps: input.platformBps,
        effectiveFrom: new Date(input.effectiveFrom),
        note: input.note ?? '',
        createdBy: ctx.actor.id,
      })
      .returning();
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: 'commission.create',
      subjectType: 'commission_rule',
      subjectId: rule!.id,
      after: rule,
    });
    return {
      ...rule!,
      effectiveFrom: rule!.effectiveFrom.toISOString(),
      createdAt: rule!.createdAt.toISOString(),
    };
  }),
} satisfies TRPCRouterRecord;
