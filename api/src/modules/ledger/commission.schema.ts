import { z } from 'zod';
import { isoDateTime } from '../../lib/time';
import { serviceCategorySchema } from '../catalog/catalog.schema';

/**
 * Whom a rule is for, always chosen explicitly: one merchant, one category, or the whole company.
 * There is no default, so a rule can never become company-wide by leaving the scope blank.
 */
export const commissionScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('company') }),
  z.object({ kind: z.literal('category'), category: serviceCategorySchema }),
  z.object({ kind: z.literal('merchant'), merchantId: z.string().uuid() }),
]);
export type CommissionScope = z.infer<typeof commissionScopeSchema>;

/** The platform's share in basis points (the apps take it in %). */
const platformBps = z.number().int().min(0).max(10_000);
const note = z.string().trim().max(200).optional();

export const createCommissionRuleInput = z.object({
  scope: commissionScopeSchema,
  platformBps,
  effectiveFrom: isoDateTime,
  note,
});
export type CreateCommissionRuleInput = z.infer<typeof createCommissionRuleInput>;

/** A new rate for a rule's scope from a date: the rule ends then and its successor starts. */
export const updateCommissionRuleInput = z.object({
  ruleId: z.string().uuid(),
  platformBps,
  effectiveFrom: isoDateTime,
  note,
});
export type UpdateCommissionRuleInput = z.infer<typeof updateCommissionRuleInput>;

/** A rule stops applying from a date; orders paid from then on get the next rule in force. */
export const endCommissionRuleInput = z.object({
  ruleId: z.string().uuid(),
  endsAt: isoDateTime,
  note,
});
export type EndCommissionRuleInput = z.infer<typeof endCommissionRuleInput>;

/** What the rule's scope would pay from `at` once the rule ends there. */
export const commissionPreviewInput = z.object({
  ruleId: z.string().uuid(),
  at: isoDateTime,
});
