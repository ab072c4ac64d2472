import { commissionRules, type DbOrTx } from '@cgp/db';
import { and, desc, eq, gt, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { DEFAULT_PLATFORM_BPS } from './split';

/**
 * The commission in force at a moment for a merchant (or, with `merchantId` null, for any merchant
 * without its own rule) in a category: a rule for the merchant beats a rule for the category,
 * which beats a company-wide rule; among equals the latest effective wins. A rule applies from
 * its start until its end, if it has one. Without any rule, the platform's default 30%.
 * `excludeRuleId` leaves one rule out, to say what applies once that rule ends.
 */
export async function commissionFor(
  db: DbOrTx,
  input: {
    companyId: string;
    merchantId: string | null;
    category: string | null;
    at: Date;
    excludeRuleId?: string;
  },
): Promise<{ ruleId: string | null; platformBps: number }> {
  const scopes: SQL[] = [
    and(isNull(commissionRules.merchantId), isNull(commissionRules.category))!,
  ];
  if (input.merchantId) scopes.push(eq(commissionRules.merchantId, input.merchantId));
  if (input.category) {
    scopes.push(
      and(
        isNull(commissionRules.merchantId),
        sql`${commissionRules.category} = ${input.category}`,
      )!,
    );
  }
  const [rule] = await db
    .select({ id: commissionRules.id, platformBps: commissionRules.platformBps })
    .from(commissionRules)
    .where(
      and(
        eq(commissionRules.companyId, input.companyId),
        lte(commissionRules.effectiveFrom, input.at),
        or(isNull(commissionRules.effectiveTo), gt(commissionRules.effectiveTo, input.at)),
        or(...scopes),
        input.excludeRuleId ? ne(commissionRules.id, input.excludeRuleId) : undefined,
      ),
    )
    .orderBy(
      desc(
        sql`(${commissionRules.merchantId} IS NOT NULL)::int * 2 + (${commissionRules.category} IS NOT NULL)::int`,
      ),
      desc(commissionRules.effectiveFrom),
      desc(commissionRules.createdAt),
    )
    .limit(1);
  return rule
    ? { ruleId: rule.id, platformBps: rule.platformBps }
    : { ruleId: null, platformBps: DEFAULT_PLATFORM_BPS };
}
