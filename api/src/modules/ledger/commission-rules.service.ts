import { commissionRules, merchants, type Db } from '@cgp/db';
import { and, desc, eq } from 'drizzle-orm';
import { BadRequest } from '../../errors';
import { recordAudit } from '../audit/audit-log';
import type { PropertyActor } from '../identity/actor';
import type { CreateCommissionRuleInput } from './commission.schema';

function ruleView(rule: typeof commissionRules.$inferSelect) {
  return {
    ...rule,
    effectiveFrom: rule.effectiveFrom.toISOString(),
    createdAt: rule.createdAt.toISOString(),
  };
}

/** The company's commission rules, latest effective first (history is kept, never edited). */
export async function listCommissionRules(db: Db, actor: PropertyActor) {
  const rows = await db
    .select()
    .from(commissionRules)
    .where(eq(commissionRules.companyId, actor.companyId))
    .orderBy(desc(commissionRules.effectiveFrom));
  return { items: rows.map(ruleView), nextCursor: null };
}

/** property_ops adds a rule for a merchant of their company, a category, or the whole company. */
export async function createCommissionRule(
  db: Db,
  actor: PropertyActor,
  input: CreateCommissionRuleInput,
) {
  return db.transaction(async (tx) => {
    if (input.merchantId) {
      const [merchant] = await tx
        .select({ id: merchants.id })
        .from(merchants)
        .where(and(eq(merchants.id, input.merchantId), eq(merchants.companyId, actor.companyId)));
      if (!merchant) throw new BadRequest('unknown_merchant', 'No such merchant in your company');
    }
    const [rule] = await tx
      .insert(commissionRules)
      .values({
        companyId: actor.companyId,
        merchantId: input.merchantId,
        category: input.category,
        platformBps: input.platformBps,
        effectiveFrom: new Date(input.effectiveFrom),
        note: input.note ?? '',
        createdBy: actor.id,
      })
      .returning();
    await recordAudit(tx, {
      actor,
      action: 'commission.create',
      subjectType: 'commission_rule',
      subjectId: rule!.id,
      after: rule,
    });
    return ruleView(rule!);
  });
}
