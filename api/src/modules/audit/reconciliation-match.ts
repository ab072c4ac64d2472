/**
 * Two-way reconciliation as pure functions (SPEC §5): the processor's balance transactions on one
 * side, the ledger entries that claim processor money on the other. Every balance transaction is
 * matched to exactly one entry (by its `txn_` id, its net and its fee) and every entry that moves
 * `cash:stripe` to exactly one balance transaction; whatever is left over or differs is a finding,
 * worded for an auditor. No I/O: the caller lists and loads, this decides.
 */
import { labelOf } from '../../labels';
import { fenToYuanText } from '../../lib/money';
import { businessDateOf } from '../merchant/business-date';

/** What a balance transaction is, in the ledger's terms. */
export const PROCESSOR_LINE_KINDS = [
  'charge',
  'refund',
  'transfer',
  'transfer_reversal',
  'dispute_withdrawal',
  'dispute_reinstatement',
  'processor_fee',
  'other',
] as const;
export type ProcessorLineKind = (typeof PROCESSOR_LINE_KINDS)[number];

export const RECONCILIATION_FINDING_KINDS = [
  /** The processor moved money that no entry books. */
  'unbooked',
  /** An entry moves `cash:stripe` without naming the balance transaction it books. */
  'entry_without_processor_object',
  /** An entry names a balance transaction the processor does not have. */
  'processor_object_missing',
  /** The entry's `cash:stripe` differs from the balance transaction's net. */
  'amount_mismatch',
  /** Gross agrees, but the fee the entry books differs from what the processor kept. */
  'fee_mismatch',
  /** More than one entry books the same balance transaction. */
  'duplicate_booking',
] as const;
export type ReconciliationFindingKind = (typeof RECONCILIATION_FINDING_KINDS)[number];

/** A processor balance transaction, with what we know its source belongs to. */
export interface BalanceLine {
  /** `txn_…` */
  id: string;
  /** The processor's type (charge, payment, refund, transfer, transfer_refund, adjustment, stripe_fee…). */
  type: string;
  reportingCategory: string | null;
  /** The object that moved the money: ch_, re_, tr_, trr_, du_… */
  source: string | null;
  /** Signed fen: into the platform balance positive. */
  amount: number;
  /** What the processor kept (fen, positive when it kept money). */
  fee: number;
  /** amount − fee */
  net: number;
  created: Date;
  /** The property company whose order or merchant the money is of; null when deployment-wide. */
  companyId: string | null;
  orderId?: string | null;
  statementId?: string | null;
  refundId?: string | null;
}

/** A ledger entry that moves `cash:stripe`. */
export interface LedgerClaim {
  entryId: string;
  /** The journal kind (payment, refund, payout, dispute, transfer_reversal, processor_fee…). */
  kind: string;
  /** The `txn_…` it says it books; null when it names none. */
  processorObjectId: string | null;
  /** Σ of its `cash:stripe` lines (debit positive). */
  cashFen: number;
  /** Σ of its `expense:processor_fees` lines. */
  feeFen: number;
  created: Date;
  companyId: string | null;
  orderId: string | null;
  statementId: string | null;
  refundId: string | null;
}

export interface ReconciliationMatch {
  balanceTransactionId: string;
  entryId: string;
  businessDate: string;
  companyId: string | null;
}

export interface MatchFinding {
  kind: ReconciliationFindingKind;
  /** The business day the finding belongs to: the processor's day when it has the object. */
  businessDate: string;
  companyId: string | null;
  balanceTransactionId: string | null;
  /** The processor object behind the balance transaction (ch_, re_, du_…). */
  sourceId: string | null;
  lineKind: ProcessorLineKind | null;
  entryIds: string[];
  /** The balance transaction's gross, fee and net, when the processor has it. */
  processorAmountFen: number | null;
  processorFeeFen: number | null;
  processorNetFen: number | null;
  /** What the ledger books: Σ cash:stripe and Σ processor fees over the entries concerned. */
  ledgerCashFen: number | null;
  ledgerFeeFen: number | null;
  orderId: string | null;
  statementId: string | null;
  refundId: string | null;
  /** In words an auditor reads. */
  detailZh: string;
  detailEn: string;
}

export interface DaySummary {
  businessDate: string;
  /** null: the whole deployment. */
  companyId: string | null;
  balanceTransactions: number;
  entries: number;
  findings: number;
}

export interface ReconcileInput {
  lines: readonly BalanceLine[];
  claims: readonly LedgerClaim[];
  /** Business days, inclusive (YYYY-MM-DD). Items whose day falls outside belong to other days. */
  period: { from: string; to: string };
  timeZone: string;
}

export interface ReconcileOutput {
  matches: ReconciliationMatch[];
  findings: MatchFinding[];
  /** Every day of the period for the deployment, and each company's days that had anything. */
  days: DaySummary[];
}

/** The ledger's reading of a processor balance transaction. */
export function classifyLine(
  line: Pick<BalanceLine, 'type' | 'reportingCategory' | 'amount'>,
): ProcessorLineKind {
  switch (line.type) {
    case 'charge':
    case 'payment':
      return 'charge';
    case 'refund':
    case 'payment_refund':
    case 'payment_failure_refund':
      return 'refund';
    case 'transfer':
      return 'transfer';
    case 'transfer_refund':
    case 'transfer_cancel':
    case 'transfer_failure':
      return 'transfer_reversal';
    case 'stripe_fee':
    case 'tax_fee':
    case 'application_fee':
      return 'processor_fee';
    case 'adjustment':
      if (line.reportingCategory === 'dispute') return 'dispute_withdrawal';
      if (line.reportingCategory === 'dispute_reversal') return 'dispute_reinstatement';
      return 'other';
    default:
      return 'other';
  }
}

const yuan = (fen: number) => `¥${fenToYuanText(fen)}`;
const zh = (kind: ProcessorLineKind) => labelOf('processorLine', kind, 'zh-CN');
const en = (kind: ProcessorLineKind) => labelOf('processorLine', kind, 'en');
const entryZh = (kind: string) => labelOf('journalKind', kind, 'zh-CN');
const entryEn = (kind: string) => labelOf('journalKind', kind, 'en').toLowerCase();
const feeZh = (fee: number) => (fee ? `，手续费 ${yuan(fee)}` : '');
const feeEn = (fee: number) => (fee ? `, fee ${yuan(fee)}` : '');
const sourceOf = (line: BalanceLine) => line.source ?? line.id;

function words(
  kind: ReconciliationFindingKind,
  line: BalanceLine | null,
  claims: readonly LedgerClaim[],
): { detailZh: string; detailEn: string } {
  const first = claims[0];
  const cash = claims.reduce((s, c) => s + c.cashFen, 0);
  const fee = claims.reduce((s, c) => s + c.feeFen, 0);
  if (line) {
    const lk = classifyLine(line);
    const gross = Math.abs(line.amount);
    const src = sourceOf(line);
    switch (kind) {
      case 'unbooked':
        return {
          detailZh: `支付通道有一笔${zh(lk)} ${yuan(gross)}（${src}${feeZh(line.fee)}）未入账`,
          detailEn: `The processor has a ${en(lk).toLowerCase()} of ${yuan(gross)} (${src}${feeEn(line.fee)}) that the ledger does not book`,
        };
      case 'duplicate_booking':
        return {
          detailZh: `支付通道的一笔${zh(lk)} ${yuan(gross)}（${src}）在账本中入账了 ${claims.length} 次`,
          detailEn: `The processor's ${en(lk).toLowerCase()} of ${yuan(gross)} (${src}) is booked ${claims.length} times in the ledger`,
        };
      case 'fee_mismatch':
        return {
          detailZh: `${zh(lk)}（${src}）的手续费：支付通道扣 ${yuan(line.fee)}，账本记 ${yuan(fee)}`,
          detailEn: `Fee on the ${en(lk).toLowerCase()} (${src}): the processor kept ${yuan(line.fee)}, the ledger books ${yuan(fee)}`,
        };
      default:
        return {
          detailZh: `${zh(lk)}（${src}）：支付通道净额 ${yuan(line.net)}，账本记 ${yuan(cash)}`,
          detailEn: `${en(lk)} (${src}): the processor's net is ${yuan(line.net)}, the ledger books ${yuan(cash)}`,
        };
    }
  }
  const what = first ? entryZh(first.kind) : '';
  const whatEn = first ? entryEn(first.kind) : '';
  if (kind === 'processor_object_missing') {
    return {
      detailZh: `账本中的一笔${what} ${yuan(Math.abs(cash))} 注明的支付通道流水 ${first?.processorObjectId ?? ''} 在支付通道查无此笔`,
      detailEn: `A ${whatEn} of ${yuan(Math.abs(cash))} in the ledger names processor transaction ${first?.processorObjectId ?? ''}, which the processor does not have`,
    };
  }
  return {
    detailZh: `账本中的一笔${what} ${yuan(Math.abs(cash))} 没有对应的支付通道流水`,
    detailEn: `A ${whatEn} of ${yuan(Math.abs(cash))} in the ledger names no processor transaction`,
  };
}

function finding(
  kind: ReconciliationFindingKind,
  businessDate: string,
  line: BalanceLine | null,
  claims: readonly LedgerClaim[],
): MatchFinding {
  const first = claims[0] ?? null;
  const sum = (pick: (c: LedgerClaim) => number) =>
    claims.length ? claims.reduce((s, c) => s + pick(c), 0) : null;
  return {
    kind,
    businessDate,
    companyId: line?.companyId ?? first?.companyId ?? null,
    balanceTransactionId: line?.id ?? first?.processorObjectId ?? null,
    sourceId: line?.source ?? null,
    lineKind: line ? classifyLine(line) : null,
    entryIds: claims.map((c) => c.entryId),
    processorAmountFen: line?.amount ?? null,
    processorFeeFen: line?.fee ?? null,
    processorNetFen: line?.net ?? null,
    ledgerCashFen: sum((c) => c.cashFen),
    ledgerFeeFen: sum((c) => c.feeFen),
    orderId: line?.orderId ?? first?.orderId ?? null,
    statementId: line?.statementId ?? first?.statementId ?? null,
    refundId: line?.refundId ?? first?.refundId ?? null,
    ...words(kind, line, claims),
  };
}

/** The business days from `from` to `to`, both included. */
export function datesOf(period: { from: string; to: string }): string[] {
  const out: string[] = [];
  for (let d = period.from; d <= period.to;) {
    out.push(d);
    d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  }
  return out;
}

/**
 * Matches balance transactions with ledger entries. A pair, and a finding about a balance
 * transaction, belong to the processor's business day for the object; an entry with no balance
 * transaction belongs to its own day. Pairs and findings of days outside the period are left to
 * those days (the caller may pass counterparts from any day, so nothing falls out of a window).
 */
export function reconcile(input: ReconcileInput): ReconcileOutput {
  const { period, timeZone } = input;
  const dayOf = (d: Date) => businessDateOf(d, timeZone);
  const inPeriod = (day: string) => day >= period.from && day <= period.to;

  const lines = new Map<string, BalanceLine>();
  for (const l of input.lines) if (!lines.has(l.id)) lines.set(l.id, l);
  const claimsByEntry = new Map<string, LedgerClaim>();
  for (const c of input.claims) if (!claimsByEntry.has(c.entryId)) claimsByEntry.set(c.entryId, c);
  const byTxn = new Map<string, LedgerClaim[]>();
  for (const c of claimsByEntry.values()) {
    if (c.processorObjectId === null) continue;
    const list = byTxn.get(c.processorObjectId) ?? [];
    list.push(c);
    byTxn.set(c.processorObjectId, list);
  }

  const matches: ReconciliationMatch[] = [];
  const findings: MatchFinding[] = [];
  const counts = new Map<string, DaySummary>();
  const count = (
    businessDate: string,
    companyId: string | null,
    field: 'balanceTransactions' | 'entries' | 'findings',
    n = 1,
  ) => {
    for (const scope of companyId === null ? [null] : [null, companyId]) {
      const key = `${businessDate}|${scope ?? ''}`;
      const row = counts.get(key) ?? {
        businessDate,
        companyId: scope,
        balanceTransactions: 0,
        entries: 0,
        findings: 0,
      };
      row[field] += n;
      counts.set(key, row);
    }
  };
  const report = (f: MatchFinding) => {
    findings.push(f);
    count(f.businessDate, f.companyId, 'findings');
  };

  for (const line of lines.values()) {
    const day = dayOf(line.created);
    const claims = byTxn.get(line.id) ?? [];
    if (!inPeriod(day)) continue;
    const companyId = line.companyId ?? claims[0]?.companyId ?? null;
    const owned = { ...line, companyId };
    count(day, companyId, 'balanceTransactions');
    count(day, companyId, 'entries', claims.length);
    const [only] = claims;
    if (!only) report(finding('unbooked', day, owned, []));
    else if (claims.length > 1) report(finding('duplicate_booking', day, owned, claims));
    else if (only.cashFen === line.net && only.feeFen === line.fee) {
      matches.push({
        balanceTransactionId: line.id,
        entryId: only.entryId,
        businessDate: day,
        companyId,
      });
    } else if (only.cashFen + only.feeFen === line.amount) {
      report(finding('fee_mismatch', day, owned, claims));
    } else {
      report(finding('amount_mismatch', day, owned, claims));
    }
  }

  for (const claim of claimsByEntry.values()) {
    if (claim.processorObjectId !== null && lines.has(claim.processorObjectId)) continue;
    const day = dayOf(claim.created);
    if (!inPeriod(day)) continue;
    count(day, claim.companyId, 'entries');
    report(
      finding(
        claim.processorObjectId === null
          ? 'entry_without_processor_object'
          : 'processor_object_missing',
        day,
        null,
        [claim],
      ),
    );
  }

  const days: DaySummary[] = [];
  for (const businessDate of datesOf(period)) {
    const key = `${businessDate}|`;
    days.push(
      counts.get(key) ?? {
        businessDate,
        companyId: null,
        balanceTransactions: 0,
        entries: 0,
        findings: 0,
      },
    );
  }
  for (const row of counts.values()) if (row.companyId !== null) days.push(row);
  return { matches, findings, days };
}
