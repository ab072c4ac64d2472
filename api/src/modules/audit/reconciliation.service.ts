import {
  communities,
  merchants,
  orders,
  payments,
  reconciliationRuns,
  refunds,
  statements,
  type Db,
  type ReconciliationFinding,
} from '@cgp/db';
import { and, desc, eq, gte, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type Stripe from 'stripe';
import { fenToYuanText } from '../../lib/money';
import { merchantInScope, orderIdInScope, type TenantScope } from '../identity/tenant-scope';

/** How far back each nightly run looks: two days, so a night that failed is covered by the next. */
export const RECONCILIATION_WINDOW_HOURS = 48;

/** The processor's answer for one id, or null when it has no such object. */
async function lookUp<T>(fetch: () => Promise<T>): Promise<T | null> {
  try {
    return await fetch();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
}

/** An expandable reference as its id (the SDK types it as the id or the expanded object). */
const idOf = (ref: string | { id: string } | null) =>
  typeof ref === 'string' ? ref : (ref?.id ?? null);

const yuan = (fen: number) => `¥${fenToYuanText(fen)}`;

/** The property company an order (joined with its community) belongs to. */
const companyOfOrder = communities.companyId;

/** What was checked, of each kind, per property company: what that company's staff are shown. */
export function countByCompany(
  checked: Record<string, { companyId: string }[]>,
): Record<string, Record<string, number>> {
  const kinds = Object.keys(checked);
  const byCompany: Record<string, Record<string, number>> = {};
  for (const [kind, rows] of Object.entries(checked)) {
    for (const { companyId } of rows) {
      const counts = (byCompany[companyId] ??= Object.fromEntries(kinds.map((k) => [k, 0])));
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
  }
  return byCompany;
}

/** Counts of a run for a company that had nothing in its window: every kind at zero. */
const noneOf = (checked: Record<string, number>) =>
  Object.fromEntries(Object.keys(checked).map((k) => [k, 0]));

/**
 * Reconciles our books with the processor for what happened in [from, to): every statement paid
 * out has its transfer, of its amount, to its merchant's account, not reversed; every refund that
 * succeeded exists there for its amount; every payment that succeeded was captured for the amount
 * we recorded. The run and whatever disagreed are stored for the console.
 */
export async function reconcileWithProcessor(
  db: Db,
  stripe: Stripe,
  window: { from: Date; to: Date },
) {
  const findings: ReconciliationFinding[] = [];
  const found = (f: ReconciliationFinding) => findings.push(f);
  const inWindow = (column: AnyPgColumn) => and(gte(column, window.from), lt(column, window.to));

  const paidOut = await db
    .select({
      id: statements.id,
      payoutFen: statements.payoutFen,
      transferId: statements.transferId,
      account: merchants.stripeAccountId,
      companyId: merchants.companyId,
    })
    .from(statements)
    .innerJoin(merchants, eq(merchants.id, statements.merchantId))
    .where(and(eq(statements.status, 'paid'), inWindow(statements.paidAt)));
  for (const s of paidOut) {
    const transfer = s.transferId
      ? await lookUp(() => stripe.transfers.retrieve(s.transferId!))
      : null;
    if (!transfer) {
      found({
        kind: 'transfer_missing',
        subjectType: 'statement',
        subjectId: s.id,
        detail: `Paid out ${yuan(s.payoutFen)} as ${s.transferId ?? '(no transfer id)'}, which the processor does not have`,
      });
    } else if (transfer.amount - transfer.amount_reversed !== s.payoutFen) {
      found({
        kind: 'transfer_amount',
        subjectType: 'statement',
        subjectId: s.id,
        detail: `Statement pays ${yuan(s.payoutFen)}; transfer ${transfer.id} moved ${yuan(transfer.amount - transfer.amount_reversed)}`,
      });
    } else if (idOf(transfer.destination) !== s.account) {
      found({
        kind: 'transfer_destination',
        subjectType: 'statement',
        subjectId: s.id,
        detail: `Transfer ${transfer.id} went to ${idOf(transfer.destination) ?? '(nowhere)'}, the merchant's account is ${s.account ?? '(none)'}`,
      });
    }
  }

  const refunded = await db
    .select({
      id: refunds.id,
      amountFen: refunds.amountFen,
      stripeRefundId: refunds.stripeRefundId,
      companyId: companyOfOrder,
    })
    .from(refunds)
    .innerJoin(orders, eq(orders.id, refunds.orderId))
    .innerJoin(communities, eq(communities.id, orders.communityId))
    .where(and(eq(refunds.status, 'succeeded'), inWindow(refunds.updatedAt)));
  for (const r of refunded) {
    const refund = r.stripeRefundId
      ? await lookUp(() => stripe.refunds.retrieve(r.stripeRefundId!))
      : null;
    if (!refund || refund.status !== 'succeeded') {
      found({
        kind: 'refund_missing',
        subjectType: 'refund',
        subjectId: r.id,
        detail: `Refunded ${yuan(r.amountFen)} as ${r.stripeRefundId ?? '(no refund id)'}, which the processor ${refund ? `has as ${refund.status}` : 'does not have'}`,
      });
    } else if (refund.amount !== r.amountFen) {
      found({
        kind: 'refund_amount',
        subjectType: 'refund',
        subjectId: r.id,
        detail: `We refunded ${yuan(r.amountFen)}; refund ${refund.id} is ${yuan(refund.amount)}`,
      });
    }
  }

  const paid = await db
    .select({
      id: payments.id,
      amountFen: payments.amountFen,
      paymentIntentId: payments.paymentIntentId,
      companyId: companyOfOrder,
    })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .innerJoin(communities, eq(communities.id, orders.communityId))
    .where(
      and(
        eq(payments.status, 'succeeded'),
        isNotNull(payments.succeededAt),
        inWindow(payments.succeededAt),
      ),
    );
  for (const p of paid) {
    const intent = p.paymentIntentId
      ? await lookUp(() => stripe.paymentIntents.retrieve(p.paymentIntentId!))
      : null;
    if (!intent || intent.status !== 'succeeded' || intent.amount_received !== p.amountFen) {
      found({
        kind: 'payment_amount',
        subjectType: 'payment',
        subjectId: p.id,
        detail: `We recorded ${yuan(p.amountFen)} paid; the processor has ${intent ? `${intent.status}, ${yuan(intent.amount_received)} received` : 'no such payment'}`,
      });
    }
  }

  const [run] = await db
    .insert(reconciliationRuns)
    .values({
      windowFrom: window.from,
      windowTo: window.to,
      ok: findings.length === 0,
      checked: { statements: paidOut.length, refunds: refunded.length, payments: paid.length },
      checkedByCompany: countByCompany({
        statements: paidOut,
        refunds: refunded,
        payments: paid,
      }),
      findings,
    })
    .returning();
  return run!;
}

/** Of the findings' subjects, the ids that belong to the scope (statements, refunds, payments). */
async function subjectsInScope(
  db: Db,
  findings: ReconciliationFinding[],
  scope: TenantScope,
): Promise<Set<string>> {
  const ids = (type: string) =>
    findings.filter((f) => f.subjectType === type).map((f) => f.subjectId);
  const pick = async (type: string, table: SQL, condition: SQL) => {
    const wanted = ids(type);
    if (!wanted.length) return [];
    const { rows } = await db.execute<{ id: string }>(
      sql`SELECT id::text AS id FROM ${table} WHERE id::text IN ${wanted} AND ${condition}`,
    );
    return rows.map((r) => r.id);
  };
  const [own, refundsOwn, paymentsOwn] = await Promise.all([
    pick('statement', sql`statements`, merchantInScope(sql`merchant_id`, scope)),
    pick('refund', sql`refunds`, orderIdInScope(sql`order_id`, scope)),
    pick('payment', sql`payments`, orderIdInScope(sql`order_id`, scope)),
  ]);
  return new Set([...own, ...refundsOwn, ...paymentsOwn]);
}

/**
 * `audit.reconciliation`: the latest nightly runs, newest first. The operator sees every finding
 * and the deployment's counts; a company's staff see only the findings about their own company's
 * payouts, refunds and payments, and how many of those were checked (never the deployment's).
 */
export async function latestReconciliations(db: Db, scope: TenantScope, limit: number) {
  const rows = await db
    .select()
    .from(reconciliationRuns)
    .orderBy(desc(reconciliationRuns.finishedAt))
    .limit(limit);
  const own =
    scope.kind === 'deployment'
      ? null
      : await subjectsInScope(
          db,
          rows.flatMap((r) => r.findings),
          scope,
        );
  return rows.map((r) => {
    const findings = own ? r.findings.filter((f) => own.has(f.subjectId)) : r.findings;
    return {
      id: r.id,
      ok: findings.length === 0,
      windowFrom: r.windowFrom.toISOString(),
      windowTo: r.windowTo.toISOString(),
      finishedAt: r.finishedAt.toISOString(),
      checked:
        scope.kind === 'deployment'
          ? r.checked
          : (r.checkedByCompany[scope.companyId] ?? noneOf(r.checked)),
      findings,
    };
  });
}
