import { commissionRules, merchants, type Db, type DbOrTx } from '@cgp/db';
import { and, desc, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import { BadRequest, Conflict, NotFound } from '../../errors';
import { recordAudit } from '../audit/audit-log';
import type { PropertyActor } from '../identity/actor';
import { commissionFor } from './commission';
import type {
  CommissionScope,
  CreateCommissionRuleInput,
  EndCommissionRuleInput,
  UpdateCommissionRuleInput,
} from './commission.schema';

type Rule = typeof commissionRules.$inferSelect;

function scopeOf(rule: Pick<Rule, 'merchantId' | 'category'>): CommissionScope {
  if (rule.merchantId) return { kind: 'merchant', merchantId: rule.merchantId };
  if (rule.category) return { kind: 'category', category: rule.category };
  return { kind: 'company' };
}

function ruleView(rule: Rule) {
  return {
    ...rule,
    scope: scopeOf(rule),
    effectiveFrom: rule.effectiveFrom.toISOString(),
    effectiveTo: rule.effectiveTo?.toISOString() ?? null,
    createdAt: rule.createdAt.toISOString(),
  };
}

/** The company's commission rules, latest effective first (history is kept: rules end, never change). */
export async function listCommissionRules(db: Db, actor: PropertyActor) {
  const rows = await db
    .select()
    .from(commissionRules)
    .where(eq(commissionRules.companyId, actor.companyId))
    .orderBy(desc(commissionRules.effectiveFrom), desc(commissionRules.createdAt));
  return { items: rows.map(ruleView), nextCursor: null };
}

async function companyMerchant(tx: DbOrTx, actor: PropertyActor, merchantId: string) {
  const [merchant] = await tx
    .select({ id: merchants.id, category: merchants.category })
    .from(merchants)
    .where(and(eq(merchants.id, merchantId), eq(merchants.companyId, actor.companyId)));
  if (!merchant) throw new BadRequest('unknown_merchant', 'No such merchant in your company');
  return merchant;
}

async function companyRule(tx: DbOrTx, actor: PropertyActor, ruleId: string) {
  const [rule] = await tx
    .select()
    .from(commissionRules)
    .where(and(eq(commissionRules.id, ruleId), eq(commissionRules.companyId, actor.companyId)));
  if (!rule) throw new NotFound('Commission rule');
  return rule;
}

/** property_ops adds a rule for a merchant of their company, a category, or the whole company. */
export async function createCommissionRule(
  db: Db,
  actor: PropertyActor,
  input: CreateCommissionRuleInput,
) {
  return db.transaction(async (tx) => {
    const { scope } = input;
    if (scope.kind === 'merchant') await companyMerchant(tx, actor, scope.merchantId);
    const [rule] = await tx
      .insert(commissionRules)
      .values({
        companyId: actor.companyId,
        merchantId: scope.kind === 'merchant' ? scope.merchantId : null,
        category: scope.kind === 'category' ? scope.category : null,
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

/**
 * Ends a running rule at `at`, guarded in SQL: the rule must not have ended yet, must have started
 * before `at`, and `at` must not be in the past, because orders already paid froze the old rate.
 */
async function closeRule(tx: DbOrTx, actor: PropertyActor, ruleId: string, at: Date) {
  const rule = await companyRule(tx, actor, ruleId);
  const [closed] = await tx
    .update(commissionRules)
    .set({ effectiveTo: at })
    .where(
      and(
        eq(commissionRules.id, ruleId),
        isNull(commissionRules.effectiveTo),
        lt(commissionRules.effectiveFrom, at),
        gte(sql`${at.toISOString()}::timestamptz`, sql`now()`),
      ),
    )
    .returning();
  if (closed) return { before: rule, after: closed };
  if (rule.effectiveTo) throw new Conflict('commission_rule_ended', 'This rule has already ended');
  if (at <= rule.effectiveFrom) {
    throw new BadRequest('commission_end_before_start', 'A rule ends after it starts');
  }
  throw new BadRequest('commission_date_past', 'A rule changes from now on, not in the past');
}

/** property_ops ends a rule from a date: orders paid from then on get the next rule in force. */
export async function endCommissionRule(
  db: Db,
  actor: PropertyActor,
  input: EndCommissionRuleInput,
) {
  return db.transaction(async (tx) => {
    const { before, after } = await closeRule(tx, actor, input.ruleId, new Date(input.endsAt));
    await recordAudit(tx, {
      actor,
      action: 'commission.end',
      subjectType: 'commission_rule',
      subjectId: after.id,
      before,
      after: { ...after, reason: input.note ?? '' },
    });
    return ruleView(after);
  });
}

/**
 * property_ops changes a rule's rate from a date: the rule ends then and a rule for the same
 * scope with the new rate starts, so orders paid before keep the old rate.
 */
export async function updateCommissionRule(
  db: Db,
  actor: PropertyActor,
  input: UpdateCommissionRuleInput,
) {
  return db.transaction(async (tx) => {
    const from = new Date(input.effectiveFrom);
    const { before } = await closeRule(tx, actor, input.ruleId, from);
    const [next] = await tx
      .insert(commissionRules)
      .values({
        companyId: actor.companyId,
        merchantId: before.merchantId,
        category: before.category,
        platformBps: input.platformBps,
        effectiveFrom: from,
        replacesRuleId: before.id,
        note: input.note ?? before.note,
        createdBy: actor.id,
      })
      .returning();
    await recordAudit(tx, {
      actor,
      action: 'commission.update',
      subjectType: 'commission_rule',
      subjectId: before.id,
      before,
      after: next,
    });
    return ruleView(next!);
  });
}

/**
 * What the rule's scope pays from `at` if the rule ends there: the next rule in force (for a
 * merchant rule, that merchant's category or company rule; for a category rule, the company
 * rule), or the platform default.
 */
export async function previewCommissionEnd(
  db: Db,
  actor: PropertyActor,
  input: { ruleId: string; at: string },
) {
  const rule = await companyRule(db, actor, input.ruleId);
  const category = rule.merchantId
    ? (await companyMerchant(db, actor, rule.merchantId)).category
    : rule.category;
  const next = await commissionFor(db, {
    companyId: actor.companyId,
    merchantId: rule.merchantId,
    category,
    at: new Date(input.at),
    excludeRuleId: rule.id,
  });
  return { rule: ruleView(rule), next };
}
