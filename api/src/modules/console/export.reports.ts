import { sql, type SQL } from 'drizzle-orm';
import type { ExportReport } from './console.schema';

export interface ExportQuery {
  companyId: string;
  from: string;
  to: string;
  timeZone: string;
}

/** A CSV report: its header row and the query whose rows (in header order) follow it. */
export interface ReportDefinition {
  header: string[];
  query: (q: ExportQuery) => SQL;
}

const inCompany = (q: ExportQuery) =>
  sql`IN (SELECT id FROM communities WHERE company_id = ${q.companyId})`;

/**
 * The console's CSV exports. Each is one SQL statement read through a cursor, so an export of a
 * year of ledger lines streams in batches instead of being held in memory.
 */
export const REPORTS: Record<ExportReport, ReportDefinition> = {
  'revenue-share': {
    header: [
      '日期',
      '商户',
      '商户ID',
      '品类',
      '订单数',
      '总额(分)',
      '退款(分)',
      '净额(分)',
      '商户分成(分)',
      '平台收入(分)',
    ],
    query: (q) => sql`
      SELECT to_char(o.earned_at AT TIME ZONE ${q.timeZone}, 'YYYY-MM-DD'), m.name, m.id, o.category,
             count(*), sum(o.total_fen), sum(o.refund_fen), sum(o.total_fen - o.refund_fen),
             sum(o.merchant_share_fen), sum(o.platform_share_fen)
        FROM orders o JOIN merchants m ON m.id = o.merchant_id
       WHERE o.community_id ${inCompany(q)}
         AND o.earned_at >= ${q.from}::timestamptz AND o.earned_at < ${q.to}::timestamptz
       GROUP BY 1, 2, 3, 4
       ORDER BY 1, 2, 4`,
  },
  statements: {
    header: [
      '结算单ID',
      '商户',
      '商户ID',
      '状态',
      '订单数',
      '总额(分)',
      '退款(分)',
      '商户分成(分)',
      '平台收入(分)',
      '结转(分)',
      '应付(分)',
      '转账ID',
      '创建时间',
      '支付时间',
      '失败原因',
    ],
    query: (q) => sql`
      SELECT s.id, m.name, m.id, s.status, s.order_count, s.gross_fen, s.refund_fen, s.merchant_fen,
             s.platform_fen, s.carried_in_fen, s.payout_fen, s.transfer_id,
             to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             to_char(s.paid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), s.failure_reason
        FROM statements s JOIN merchants m ON m.id = s.merchant_id
       WHERE m.company_id = ${q.companyId}
         AND s.created_at >= ${q.from}::timestamptz AND s.created_at < ${q.to}::timestamptz
       ORDER BY s.created_at, s.id`,
  },
  ledger: {
    header: [
      '分录行ID',
      '分录ID',
      '类型',
      '时间',
      '科目',
      '金额(分,借正贷负)',
      '订单ID',
      '商户',
      '结算单ID',
      '退款ID',
      '摘要',
    ],
    // A posting belongs to the company through its order's community or its statement's merchant.
    query: (q) => sql`
      SELECT p.id, e.id, e.kind, to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             p.account, p.amount_fen, coalesce(p.order_id, e.order_id), m.name,
             coalesce(p.statement_id, e.statement_id), coalesce(p.refund_id, e.refund_id), e.memo
        FROM ledger_postings p
        JOIN journal_entries e ON e.id = p.entry_id
        LEFT JOIN orders o ON o.id = coalesce(p.order_id, e.order_id)
        LEFT JOIN statements s ON s.id = coalesce(p.statement_id, e.statement_id)
        LEFT JOIN merchants m ON m.id = coalesce(p.merchant_id, o.merchant_id, s.merchant_id)
       WHERE (o.community_id ${inCompany(q)} OR (o.id IS NULL AND m.company_id = ${q.companyId}))
         AND p.created_at >= ${q.from}::timestamptz AND p.created_at < ${q.to}::timestamptz
       ORDER BY p.id`,
  },
};
