import { reconciliationDays, reconciliationFindings, reconciliationRuns, type Db } from '@cgp/db';
import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { ACCOUNTS } from '../ledger/accounts';
import { addDays, businessDayStart } from '../merchant/business-date';
import {
  datesOf,
  reconcile,
  type BalanceLine,
  type LedgerClaim,
  type ReconcileOutput,
} from './reconciliation-match';
import { processorRefsOf, type ProcessorRefs } from './reconciliation-refs';

export interface ReconcilePeriod {
  /** Business days (YYYY-MM-DD), both included. */
  from: string;
  to: string;
}

export interface ReconcileOptions {
  timeZone: string;
  trigger: 'nightly' | 'on_demand';
  requestedBy?: string | null;
  /** Balance transactions per page of the processor's list (at most 100). */
  pageSize?: number;
}

const PAGE = 100;

/**
 * The processor's balance transactions created in [start, end), every page of them, each with its
 * source object expanded.
 */
async function listBalanceTransactions(stripe: Stripe, start: Date, end: Date, pageSize: number) {
  const created = { gte: Math.floor(start.getTime() / 1000), lt: Math.floor(end.getTime() / 1000) };
  const all: Stripe.BalanceTransaction[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const page = await stripe.balanceTransactions.list({
      created,
      limit: pageSize,
      expand: ['data.source'],
      ...(startingAfter && { starting_after: startingAfter }),
    });
    all.push(...page.data);
    if (!page.has_more || page.data.length === 0) return all;
    startingAfter = page.data[page.data.length - 1]!.id;
  }
}

/** One balance transaction by id, with its source expanded; null when the processor has none. */
async function retrieveBalanceTransaction(stripe: Stripe, id: string) {
  try {
    return await stripe.balanceTransactions.retrieve(id, { expand: ['source'] });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
}

/** A reversal's source with its transfer (and so the transfer group naming our statement). */
async function withTransfer(stripe: Stripe, source: Stripe.BalanceTransaction['source']) {
  if (source && typeof source === 'object' && source.object === 'transfer_reversal') {
    const transfer = source.transfer;
    if (typeof transfer === 'string') {
      return { ...source, transfer: await stripe.transfers.retrieve(transfer) };
    }
  }
  return source;
}

const idOf = (ref: string | { id: string } | null | undefined) =>
  typeof ref === 'string' ? ref : (ref?.id ?? null);

function lineOf(bt: Stripe.BalanceTransaction): BalanceLine {
  return {
    id: bt.id,
    type: bt.type,
    reportingCategory: bt.reporting_category ?? null,
    source: idOf(bt.source),
    amount: bt.amount,
    fee: bt.fee,
    net: bt.net,
    created: new Date(bt.created * 1000),
    companyId: null,
  };
}

/**
 * The entries that move `cash:stripe` written in [start, end), and those (of any day) that name
 * one of `txnIds`: with their cash and fee sums and the company of the order, statement or refund
 * they book.
 */
async function loadClaims(
  db: Db,
  start: Date,
  end: Date,
  txnIds: string[],
): Promise<LedgerClaim[]> {
  const { rows } = await db.execute<{
    id: string;
    kind: string;
    processor_object_id: string | null;
    created_at: string;
    order_id: string | null;
    statement_id: string | null;
    refund_id: string | null;
    cash: string;
    fee: string;
    company_id: string | null;
  }>(sql`
    WITH chosen AS (
      SELECT e.id FROM journal_entries e
       WHERE (e.created_at >= ${start.toISOString()} AND e.created_at < ${end.toISOString()})
          ${txnIds.length ? sql`OR e.processor_object_id IN ${txnIds}` : sql``}
    )
    SELECT e.id, e.kind::text AS kind, e.processor_object_id, e.created_at::text AS created_at,
           e.order_id, e.statement_id, e.refund_id,
           sum(p.amount_fen) FILTER (WHERE p.account = ${ACCOUNTS.cash})::text AS cash,
           COALESCE(sum(p.amount_fen) FILTER (WHERE p.account = ${ACCOUNTS.processorFees}), 0)::text AS fee,
           COALESCE(
             (SELECT c.company_id FROM orders o JOIN communities c ON c.id = o.community_id
               WHERE o.id = e.order_id),
             (SELECT m.company_id FROM statements s JOIN merchants m ON m.id = s.merchant_id
               WHERE s.id = e.statement_id),
             (SELECT c.company_id FROM refunds r JOIN orders o ON o.id = r.order_id
               JOIN communities c ON c.id = o.community_id WHERE r.id = e.refund_id)
           ) AS company_id
      FROM journal_entries e
      JOIN chosen ON chosen.id = e.id
      JOIN ledger_postings p ON p.entry_id = e.id
     GROUP BY e.id
    HAVING bool_or(p.account = ${ACCOUNTS.cash})`);
  return rows.map((r) => ({
    entryId: r.id,
    kind: r.kind,
    processorObjectId: r.processor_object_id,
    cashFen: Number(r.cash),
    feeFen: Number(r.fee),
    created: new Date(r.created_at),
    companyId: r.company_id,
    orderId: r.order_id,
    statementId: r.statement_id,
    refundId: r.refund_id,
  }));
}

/** The order, statement or refund (and so the company) a processor object belongs to. */
async function placeRefs(db: Db, refs: ProcessorRefs) {
  const { rows } = await db.execute<{
    order_id: string | null;
    statement_id: string | null;
    refund_id: string | null;
    company_id: string | null;
  }>(sql`
    WITH r AS (
      SELECT id, order_id FROM refunds WHERE stripe_refund_id = ${refs.refundId ?? null}
    ), o AS (
      SELECT order_id AS id FROM payments WHERE payment_intent_id = ${refs.paymentIntentId ?? null}
      UNION ALL SELECT order_id FROM r
      LIMIT 1
    ), s AS (
      SELECT id, merchant_id FROM statements
       WHERE transfer_id = ${refs.transferId ?? null} OR id::text = ${refs.transferGroup ?? null}
       LIMIT 1
    )
    SELECT (SELECT id FROM o) AS order_id, (SELECT id FROM s) AS statement_id,
           (SELECT id FROM r) AS refund_id,
           COALESCE(
             (SELECT c.company_id FROM orders x JOIN communities c ON c.id = x.community_id
               WHERE x.id = (SELECT id FROM o)),
             (SELECT m.company_id FROM merchants m WHERE m.id = (SELECT merchant_id FROM s))
           ) AS company_id`);
  const row = rows[0];
  return {
    orderId: row?.order_id ?? null,
    statementId: row?.statement_id ?? null,
    refundId: row?.refund_id ?? null,
    companyId: row?.company_id ?? null,
  };
}

/**
 * Reconciles whole business days: lists the processor's balance transactions of the period (every
 * page), loads the ledger entries that claim processor money in it and those of any day that name
 * its balance transactions, fetches the balance transactions of other days the period's entries
 * name, places unbooked ones with their company, and lets the pure matcher decide. The result is
 * stored (run, per-day status, findings) and returned.
 */
export async function reconcilePeriod(
  db: Db,
  stripe: Stripe,
  period: ReconcilePeriod,
  options: ReconcileOptions,
) {
  const startedAt = new Date();
  const { lines, claims } = await loadReconciliationInput(db, stripe, period, options);
  const outcome = reconcile({ lines, claims, period, timeZone: options.timeZone });
  const runId = await storeOutcome(db, period, options, startedAt, outcome);
  return { runId, ...outcome };
}

/**
 * What the matcher compares for a period: the processor's balance transactions of its days and
 * those of other days its entries name, and the ledger entries that claim processor money in it
 * or book one of its balance transactions.
 */
export async function loadReconciliationInput(
  db: Db,
  stripe: Stripe,
  period: ReconcilePeriod,
  options: Pick<ReconcileOptions, 'timeZone' | 'pageSize'>,
): Promise<{ lines: BalanceLine[]; claims: LedgerClaim[] }> {
  const start = businessDayStart(period.from, options.timeZone);
  const end = businessDayStart(addDays(period.to, 1), options.timeZone);
  const listed = await listBalanceTransactions(stripe, start, end, options.pageSize ?? PAGE);
  const claims = await loadClaims(
    db,
    start,
    end,
    listed.map((bt) => bt.id),
  );
  const known = new Set(listed.map((bt) => bt.id));
  for (const id of new Set(claims.map((c) => c.processorObjectId))) {
    if (id === null || known.has(id)) continue;
    const bt = await retrieveBalanceTransaction(stripe, id);
    if (bt) listed.push(bt);
    known.add(id);
  }
  // Only balance transactions no entry books need placing; a booked one takes its entry's company.
  const booked = new Set(claims.map((c) => c.processorObjectId));
  const lines: BalanceLine[] = [];
  for (const bt of listed) {
    const line = lineOf(bt);
    if (!booked.has(bt.id)) {
      Object.assign(
        line,
        await placeRefs(db, processorRefsOf(await withTransfer(stripe, bt.source))),
      );
    }
    lines.push(line);
  }
  return { lines, claims };
}

/** Serialises writers of the per-day status, so the latest run of a day is the one shown. */
const DAYS_LOCK = sql`SELECT pg_advisory_xact_lock(hashtext('reconciliation_days'))`;

async function storeOutcome(
  db: Db,
  period: ReconcilePeriod,
  options: ReconcileOptions,
  startedAt: Date,
  outcome: ReconcileOutput,
): Promise<string> {
  const deployment = outcome.days.filter((d) => d.companyId === null);
  const sum = (pick: (d: (typeof deployment)[number]) => number) =>
    deployment.reduce((s, d) => s + pick(d), 0);
  return db.transaction(async (tx) => {
    await tx.execute(DAYS_LOCK);
    const [run] = await tx
      .insert(reconciliationRuns)
      .values({
        periodFrom: period.from,
        periodTo: period.to,
        trigger: options.trigger,
        requestedBy: options.requestedBy ?? null,
        balanceTransactions: sum((d) => d.balanceTransactions),
        entries: sum((d) => d.entries),
        findings: outcome.findings.length,
        startedAt,
      })
      .returning({ id: reconciliationRuns.id });
    const runId = run!.id;
    // A day a later-started run has already reconciled keeps that run's answer.
    const newer = await tx
      .select({ day: reconciliationDays.businessDate })
      .from(reconciliationDays)
      .innerJoin(reconciliationRuns, eq(reconciliationRuns.id, reconciliationDays.runId))
      .where(
        and(
          gte(reconciliationDays.businessDate, period.from),
          lte(reconciliationDays.businessDate, period.to),
          sql`${reconciliationRuns.startedAt} > ${startedAt.toISOString()}`,
        ),
      );
    const skip = new Set(newer.map((r) => r.day));
    const days = datesOf(period).filter((d) => !skip.has(d));
    if (days.length) {
      await tx.delete(reconciliationDays).where(inArray(reconciliationDays.businessDate, days));
      await tx
        .insert(reconciliationDays)
        .values(
          outcome.days.filter((d) => !skip.has(d.businessDate)).map((d) => ({ ...d, runId })),
        );
    }
    const findings = outcome.findings.filter((f) => !skip.has(f.businessDate));
    if (findings.length) {
      await tx.insert(reconciliationFindings).values(findings.map((f) => ({ ...f, runId })));
    }
    return runId;
  });
}
