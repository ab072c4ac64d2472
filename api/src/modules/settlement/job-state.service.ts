import type { DbOrTx } from '@cgp/db';
import { sql } from 'drizzle-orm';
import { merchantInScope, orderIdInScope, type TenantScope } from '../identity/tenant-scope';

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

/**
 * `settlement.jobState`: the state of the background work that concerns the scope's company,
 * read from PostgreSQL (the truth; the queues only carry it): its settlement runs, its payouts
 * and what failed (payouts ops can retry, refunds the processor refused). The queue dashboard
 * itself is deployment-wide and the platform operator's alone.
 */
export async function jobState(db: DbOrTx, scope: TenantScope) {
  const ownStatements = merchantInScope(sql`s.merchant_id`, scope);
  const [runs, payouts, failedPayouts, failedRefunds] = await Promise.all([
    db.execute<Record<string, unknown>>(sql`
      SELECT s.run_id::text AS run_id, min(s.created_at) AS started_at, count(*)::int AS statements,
             sum(s.order_count)::int AS orders, sum(s.payout_fen)::bigint AS payout_fen,
             count(*) FILTER (WHERE s.status = 'paid')::int AS paid,
             count(*) FILTER (WHERE s.status = 'pending')::int AS pending,
             count(*) FILTER (WHERE s.status = 'failed')::int AS failed,
             count(*) FILTER (WHERE s.status = 'carried')::int AS carried
        FROM statements s WHERE ${ownStatements}
       GROUP BY s.run_id ORDER BY min(s.created_at) DESC LIMIT 20`),
    db.execute<Record<string, unknown>>(sql`
      SELECT s.id::text AS id, m.name AS merchant_name, s.status::text AS status, s.payout_fen,
             s.attempts, s.created_at, s.paid_at
        FROM statements s JOIN merchants m ON m.id = s.merchant_id
       WHERE ${ownStatements} AND s.status <> 'carried'
       ORDER BY s.created_at DESC LIMIT 30`),
    db.execute<Record<string, unknown>>(sql`
      SELECT s.id::text AS id, m.name AS merchant_name, s.payout_fen, s.attempts,
             s.failure_reason, s.updated_at
        FROM statements s JOIN merchants m ON m.id = s.merchant_id
       WHERE ${ownStatements} AND s.status = 'failed'
       ORDER BY s.updated_at DESC LIMIT 50`),
    db.execute<Record<string, unknown>>(sql`
      SELECT r.id::text AS id, o.id::text AS order_id, sv.title_zh, sv.title_en, r.amount_fen,
             r.failure_reason, r.updated_at
        FROM refunds r JOIN orders o ON o.id = r.order_id JOIN services sv ON sv.id = o.service_id
       WHERE ${orderIdInScope(sql`r.order_id`, scope)} AND r.status = 'failed'
       ORDER BY r.updated_at DESC LIMIT 50`),
  ]);
  return {
    settlementRuns: runs.rows.map((r) => ({
      runId: String(r.run_id),
      startedAt: iso(r.started_at)!,
      statements: Number(r.statements),
      orders: Number(r.orders),
      payoutFen: Number(r.payout_fen),
      paid: Number(r.paid),
      pending: Number(r.pending),
      failed: Number(r.failed),
      carried: Number(r.carried),
    })),
    payouts: payouts.rows.map((r) => ({
      statementId: String(r.id),
      merchantName: String(r.merchant_name),
      status: String(r.status) as 'pending' | 'paid' | 'failed',
      payoutFen: Number(r.payout_fen),
      attempts: Number(r.attempts),
      createdAt: iso(r.created_at)!,
      paidAt: iso(r.paid_at),
    })),
    failedPayouts: failedPayouts.rows.map((r) => ({
      statementId: String(r.id),
      merchantName: String(r.merchant_name),
      payoutFen: Number(r.payout_fen),
      attempts: Number(r.attempts),
      failureReason: typeof r.failure_reason === 'string' ? r.failure_reason : null,
      failedAt: iso(r.updated_at)!,
    })),
    failedRefunds: failedRefunds.rows.map((r) => ({
      refundId: String(r.id),
      orderId: String(r.order_id),
      serviceTitleZh: String(r.title_zh),
      serviceTitleEn: String(r.title_en),
      amountFen: Number(r.amount_fen),
      failureReason: typeof r.failure_reason === 'string' ? r.failure_reason : null,
      failedAt: iso(r.updated_at)!,
    })),
  };
}
