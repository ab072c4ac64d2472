import { sql, type SQL } from 'drizzle-orm';
import type { ExportReport } from './console.schema';
import { accountLabel, label, localTime, yuan } from './csv-columns';

export interface ExportQuery {
  companyId: string;
  from: string;
  to: string;
  timeZone: string;
}

/** A CSV report: its name in a file name, header row and the query whose rows follow it. */
export interface ReportDefinition {
  /** Chinese name, first in the file name: 分账报表_2026-11-01_2026-11-30.csv */
  title: string;
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
    title: '分账报表',
    header: [
      '日期',
      '商户',
      '品类',
      '订单数',
      '总额(元)',
      '退款(元)',
      '净额(元)',
      '商户分成(元)',
      '平台收入(元)',
    ],
    query: (q) => sql`
      SELECT day, merchant, ${label('category', 'category')}, orders, ${yuan('gross')}, ${yuan('refund')},
             ${yuan('gross - refund')}, ${yuan('merchant_share')}, ${yuan('platform_share')}
        FROM (
          SELECT to_char(o.earned_at AT TIME ZONE ${q.timeZone}, 'YYYY-MM-DD') AS day, m.name AS merchant,
                 o.category, count(*) AS orders, sum(o.total_fen) AS gross, sum(o.refund_fen) AS refund,
                 sum(o.merchant_share_fen) AS merchant_share, sum(o.platform_share_fen) AS platform_share
            FROM orders o JOIN merchants m ON m.id = o.merchant_id
           WHERE o.community_id ${inCompany(q)}
             AND o.earned_at >= ${q.from}::timestamptz AND o.earned_at < ${q.to}::timestamptz
           GROUP BY 1, 2, 3
        ) r
       ORDER BY day, merchant, category`,
  },
  statements: {
    title: '结算单',
    header: [
      '结算单号',
      '商户',
      '状态',
      '订单数',
      '总额(元)',
      '退款(元)',
      '商户分成(元)',
      '平台收入(元)',
      '上期结转(元)',
      '应付(元)',
      '创建时间',
      '付款时间',
      '失败原因',
    ],
    query: (q) => sql`
      SELECT left(s.id::text, 8), m.name, ${label('statementStatus', 's.status')}, s.order_count,
             ${yuan('s.gross_fen')}, ${yuan('s.refund_fen')}, ${yuan('s.merchant_fen')},
             ${yuan('s.platform_fen')}, ${yuan('s.carried_in_fen')}, ${yuan('s.payout_fen')},
             ${localTime('s.created_at', q.timeZone)}, ${localTime('s.paid_at', q.timeZone)},
             s.failure_reason
        FROM statements s JOIN merchants m ON m.id = s.merchant_id
       WHERE m.company_id = ${q.companyId}
         AND s.created_at >= ${q.from}::timestamptz AND s.created_at < ${q.to}::timestamptz
       ORDER BY s.created_at, s.id`,
  },
  ledger: {
    title: '账本分录',
    header: [
      '分录行',
      '时间',
      '类型',
      '科目',
      '金额(元，借正贷负)',
      '订单号',
      '商户',
      '摘要',
      '记账阶段',
    ],
    // A posting belongs to the company through its order's community or its statement's merchant.
    query: (q) => sql`
      SELECT p.id, ${localTime('p.created_at', q.timeZone)}, ${label('journalKind', 'e.kind')},
             ${accountLabel('p.account', 'm.name')}, ${yuan('p.amount_fen')}, o.order_no, m.name, e.memo,
             ${label('entryPhase', 'e.phase')}
        FROM ledger_postings p
        JOIN journal_entries e ON e.id = p.entry_id
        LEFT JOIN orders o ON o.id = coalesce(p.order_id, e.order_id)
        LEFT JOIN statements s ON s.id = coalesce(p.statement_id, e.statement_id)
        LEFT JOIN merchants m ON m.id = coalesce(p.merchant_id, o.merchant_id, s.merchant_id)
       WHERE (o.community_id ${inCompany(q)} OR (o.id IS NULL AND m.company_id = ${q.companyId}))
         AND p.created_at >= ${q.from}::timestamptz AND p.created_at < ${q.to}::timestamptz
       ORDER BY p.id`,
  },
  disputes: {
    title: '纠纷处理',
    header: [
      '订单号',
      '发起时间',
      '住户',
      '商户',
      '品类',
      '住户理由',
      '订单金额(元)',
      '订单状态',
      '处理时间',
      '处理说明',
      '退款(元)',
    ],
    query: (q) => sql`
      SELECT o.order_no, ${localTime('d.opened_at', q.timeZone)}, u.display_name, m.name,
             ${label('category', 'o.category')}, d.reason, ${yuan('o.total_fen')},
             ${label('orderStatus', 'o.status')}, ${localTime('d.resolved_at', q.timeZone)},
             d.resolution, ${yuan('d.refund_fen')}
        FROM order_disputes d
        JOIN orders o ON o.id = d.order_id
        JOIN merchants m ON m.id = o.merchant_id
        JOIN users u ON u.id = o.resident_id
       WHERE o.community_id ${inCompany(q)}
         AND d.opened_at >= ${q.from}::timestamptz AND d.opened_at < ${q.to}::timestamptz
       ORDER BY d.opened_at, o.order_no`,
  },
  'audit-log': {
    title: '审计日志',
    header: ['时间', '操作人', '角色', '操作', '对象', '订单号', '变更内容'],
    query: (q) => sql`
      SELECT ${localTime('a.at', q.timeZone)}, coalesce(u.display_name, '系统'),
             ${label('role', 'a.actor_role')}, ${label('auditAction', 'a.action')},
             a.subject_type, o.order_no, coalesce(a.after::text, '')
        FROM audit_log a
        LEFT JOIN users u ON u.id = a.actor_id
        LEFT JOIN orders o ON a.subject_type = 'order' AND o.id::text = a.subject_id
       WHERE a.company_id = ${q.companyId}
         AND a.at >= ${q.from}::timestamptz AND a.at < ${q.to}::timestamptz
       ORDER BY a.id`,
  },
};
