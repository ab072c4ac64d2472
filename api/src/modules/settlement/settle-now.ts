import { merchants, type Db } from '@cgp/db';
import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/audit-log';
import type { PropertyActor } from '../identity/actor';
import { buildStatements, type SettlementRun } from './build-statements';

/**
 * `settlement.runNow`: property_ops settles everything eligible of their company's merchants now,
 * as the daily job would; the audit record commits with the run.
 */
export async function settleCompanyNow(
  db: Db,
  actor: PropertyActor,
): Promise<SettlementRun | { runId: null; statements: []; orderCount: 0 }> {
  const companyMerchants = await db
    .select({ id: merchants.id })
    .from(merchants)
    .where(eq(merchants.companyId, actor.companyId));
  if (!companyMerchants.length) return { runId: null, statements: [], orderCount: 0 };
  return buildStatements(db, {
    merchantIds: companyMerchants.map((m) => m.id),
    alsoInTransaction: (tx, run) =>
      recordAudit(tx, {
        actor,
        action: 'settlement.runNow',
        subjectType: 'settlement_run',
        subjectId: run.runId,
        after: { orderCount: run.orderCount, statements: run.statements.length },
      }),
  });
}
