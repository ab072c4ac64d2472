import { commissionRules, type DbOrTx } from '@cgp/db';
import { and, desc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { DEFAULT_PLATFORM_BPS } from './split';

/**
 * The commission in force for a merchant's category at a moment: a rule for the merchant beats a
 * rule for the category, which beats a company-wide rule; among equals the latest effective wins.
 * Without any rule, the platform's default 30%.
 */
export async function commissionFor(
  db: DbOrTx,
  input: { companyId: string; merchantId: string; category: string; at: Date },
): Promise<{ ruleId: string | null; platformBps: number }> {
  const [rule] = await db
    .select({ id: commissionRules.id, platformBps: commissionRules.platformBps })
    .from(commissionRules)
    .where(
      and(
        eq(commissionRules.companyId, input.companyId),
        lte(commissionRules.effectiveFrom, input.at),
        or(
          eq(commissionRules.merchantId, input.merchantId),
          and(
            isNull(commissionRules.merchantId),
            sql`${commissionRules.category} = ${input.category}`,
          ),
          and(isNull(commissionRules.merchantId), isNull(commissionRules.category)),
        ),
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
