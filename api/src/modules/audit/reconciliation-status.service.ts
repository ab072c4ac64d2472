import { reconciliationDays, reconciliationFindings, type Db } from '@cgp/db';
import { and, asc, eq, gte, isNull, lte, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { BadRequest } from '../../errors';
import type { Actor } from '../identity/actor';
import type { TenantScope } from '../identity/tenant-scope';
import { addDays, businessDateOf } from '../merchant/business-date';
import type { ReconciliationPeriodInput } from './audit.schema';
import { RECONCILIATION_MAX_DAYS } from './audit.schema';
import { datesOf } from './reconciliation-match';
import { reconcilePeriod, type ReconcilePeriod } from './reconciliation.service';

export interface ReconciliationDeps {
  db: Db;
  stripe: Stripe;
  timeZone: string;
  now?: Date;
}

/** The period asked for, completed with defaults: the last 30 days, today included. */
function periodOf(input: ReconciliationPeriodInput, deps: ReconciliationDeps): ReconcilePeriod {
  const today = businessDateOf(deps.now ?? new Date(), deps.timeZone);
  const to = input?.to ?? (input?.from ? addDays(input.from, 29) : today);
  const from = input?.from ?? addDays(to, -29);
  const last = to > today ? today : to;
  if (from > last) throw new BadRequest('period_in_future', 'The period has not begun yet');
  if (datesOf({ from, to: last }).length > RECONCILIATION_MAX_DAYS) {
    throw new BadRequest(
      'period_too_long',
      `The period may span at most ${RECONCILIATION_MAX_DAYS} days`,
    );
  }
  return { from, to: last };
}

/**
 * Where each business day of the period stands, as far as the scope reaches, with the findings of
 * each day's latest run. A company's staff see the findings about their own company's orders,
 * refunds and payouts and their own counts; the operator sees the deployment, including what
 * belongs to no company (the processor's own fees, objects we cannot place).
 */
export async function readReconciliation(db: Db, scope: TenantScope, period: ReconcilePeriod) {
  const inPeriod = (
    column: typeof reconciliationDays.businessDate | typeof reconciliationFindings.businessDate,
  ) => and(gte(column, period.from), lte(column, period.to));
  const deploymentDays = await db
    .select()
    .from(reconciliationDays)
    .where(and(inPeriod(reconciliationDays.businessDate), isNull(reconciliationDays.companyId)));
  const ownDays =
    scope.kind === 'deployment'
      ? deploymentDays
      : await db
          .select()
          .from(reconciliationDays)
          .where(
            and(
              inPeriod(reconciliationDays.businessDate),
              eq(reconciliationDays.companyId, scope.companyId),
            ),
          );
  const findings = await db
    .select({
      id: reconciliationFindings.id,
      businessDate: reconciliationFindings.businessDate,
      kind: reconciliationFindings.kind,
      lineKind: reconciliationFindings.lineKind,
      balanceTransactionId: reconciliationFindings.balanceTransactionId,
      sourceId: reconciliationFindings.sourceId,
      entryIds: reconciliationFindings.entryIds,
      processorAmountFen: reconciliationFindings.processorAmountFen,
      processorFeeFen: reconciliationFindings.processorFeeFen,
      processorNetFen: reconciliationFindings.processorNetFen,
      ledgerCashFen: reconciliationFindings.ledgerCashFen,
      ledgerFeeFen: reconciliationFindings.ledgerFeeFen,
      orderId: reconciliationFindings.orderId,
      statementId: reconciliationFindings.statementId,
      refundId: reconciliationFindings.refundId,
      detailZh: reconciliationFindings.detailZh,
      detailEn: reconciliationFindings.detailEn,
    })
    .from(reconciliationFindings)
    .innerJoin(
      reconciliationDays,
      and(
        eq(reconciliationDays.runId, reconciliationFindings.runId),
        eq(reconciliationDays.businessDate, reconciliationFindings.businessDate),
        isNull(reconciliationDays.companyId),
      ),
    )
    .where(
      and(
        inPeriod(reconciliationFindings.businessDate),
        scope.kind === 'deployment'
          ? sql`true`
          : eq(reconciliationFindings.companyId, scope.companyId),
      ),
    )
    .orderBy(asc(reconciliationFindings.businessDate), asc(reconciliationFindings.id));

  const ran = new Map(deploymentDays.map((d) => [d.businessDate, d]));
  const own = new Map(ownDays.map((d) => [d.businessDate, d]));
  const days = datesOf(period)
    .reverse()
    .map((businessDate) => {
      const run = ran.get(businessDate);
      const mine = own.get(businessDate);
      const count = findings.filter((f) => f.businessDate === businessDate).length;
      return {
        businessDate,
        status: !run ? 'not_reconciled' : count ? 'differences' : 'reconciled',
        findings: count,
        balanceTransactions: mine?.balanceTransactions ?? 0,
        entries: mine?.entries ?? 0,
        reconciledAt: run?.reconciledAt.toISOString() ?? null,
      } as const;
    });
  return { from: period.from, to: period.to, days, findings };
}

/**
 * `audit.reconciliation {from, to}`: the period's days and findings. Days that are over and were
 * never reconciled (a night the job did not run, a period before it existed) are reconciled first.
 */
export async function reconciliationForPeriod(
  deps: ReconciliationDeps,
  scope: TenantScope,
  input: ReconciliationPeriodInput,
) {
  const period = periodOf(input, deps);
  const yesterday = addDays(businessDateOf(deps.now ?? new Date(), deps.timeZone), -1);
  const done = await deps.db
    .select({ day: reconciliationDays.businessDate })
    .from(reconciliationDays)
    .where(
      and(
        isNull(reconciliationDays.companyId),
        gte(reconciliationDays.businessDate, period.from),
        lte(reconciliationDays.businessDate, period.to),
      ),
    );
  const seen = new Set(done.map((d) => d.day));
  const missing = datesOf(period).filter((d) => d <= yesterday && !seen.has(d));
  if (missing.length) {
    await reconcilePeriod(
      deps.db,
      deps.stripe,
      { from: missing[0]!, to: missing[missing.length - 1]! },
      { timeZone: deps.timeZone, trigger: 'on_demand' },
    );
  }
  return readReconciliation(deps.db, scope, period);
}

/** `audit.reconcile {from, to}`: reconciles the period now (today so far included) and reads it. */
export async function reconcileNow(
  deps: ReconciliationDeps,
  actor: Actor,
  scope: TenantScope,
  input: ReconciliationPeriodInput,
) {
  const period = periodOf(input, deps);
  await reconcilePeriod(deps.db, deps.stripe, period, {
    timeZone: deps.timeZone,
    trigger: 'on_demand',
    requestedBy: actor.id,
  });
  return readReconciliation(deps.db, scope, period);
}
