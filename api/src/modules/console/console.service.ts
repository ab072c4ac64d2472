import { merchants, type Db, type DbOrTx } from '@cgp/db';
import { and, eq, sql } from 'drizzle-orm';
import { NotFound } from '../../errors';
import { recordAudit } from '../audit/audit-log';
import type { PropertyActor } from '../identity/actor';
import { iso, str, type Row } from './sql-row';
import { companyScope, orderInScope } from '../identity/tenant-scope';
import type { AuditLogInput } from './console.schema';

/** `console.disputes`: open (oldest first, so nobody waits longest) or resolved (newest first). */
export async function listDisputes(db: DbOrTx, actor: PropertyActor, status: 'open' | 'resolved') {
  const { rows } = await db.execute<Row>(sql`
    SELECT d.order_id, o.order_no, d.reason, d.opened_at, d.resolved_at, d.resolution, d.refund_fen AS resolved_refund_fen,
           o.status, o.total_fen, o.refund_fen, o.category, o.address_snapshot, o.merchant_id,
           m.name AS merchant_name, u.display_name AS resident_name
      FROM order_disputes d
      JOIN orders o ON o.id = d.order_id
      JOIN merchants m ON m.id = o.merchant_id
      JOIN users u ON u.id = o.resident_id
     WHERE ${orderInScope('o', companyScope(actor.companyId))}
       AND d.resolved_at IS ${status === 'open' ? sql`NULL` : sql`NOT NULL`}
     ORDER BY ${status === 'open' ? sql`d.opened_at ASC` : sql`d.resolved_at DESC`}
     LIMIT 200`);
  return {
    items: rows.map((r) => ({
      orderId: String(r.order_id),
      orderNo: String(r.order_no),
      reason: String(r.reason),
      openedAt: iso(r.opened_at)!,
      resolvedAt: iso(r.resolved_at),
      resolution: str(r.resolution),
      resolvedRefundFen: r.resolved_refund_fen === null ? null : Number(r.resolved_refund_fen),
      orderStatus: String(r.status),
      totalFen: Number(r.total_fen),
      refundFen: Number(r.refund_fen),
      category: String(r.category),
      address: String(r.address_snapshot),
      merchantId: String(r.merchant_id),
      merchantName: String(r.merchant_name),
      residentName: String(r.resident_name),
    })),
    nextCursor: null,
  };
}

/** `console.merchants`: the company's merchants with their onboarding state and order counts. */
export async function listMerchants(db: DbOrTx, actor: PropertyActor) {
  const { rows } = await db.execute<Row>(sql`
    SELECT m.id, m.name, m.category, m.status, m.contact_phone, m.payouts_enabled, m.details_submitted,
           m.created_at,
           (SELECT count(*) FROM orders o WHERE o.merchant_id = m.id AND o.earned_at IS NOT NULL)::int AS earned_orders
      FROM merchants m
     WHERE m.company_id = ${actor.companyId}
     ORDER BY m.created_at, m.id`);
  return {
    items: rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      category: String(r.category),
      status: String(r.status) as 'pending' | 'approved' | 'suspended',
      contactPhone: String(r.contact_phone),
      payoutsEnabled: Boolean(r.payouts_enabled),
      detailsSubmitted: Boolean(r.details_submitted),
      earnedOrders: Number(r.earned_orders),
      createdAt: iso(r.created_at)!,
    })),
    nextCursor: null,
  };
}

/** property_ops approves or suspends a merchant of its company; the change and its audit row commit together. */
export async function setMerchantStatus(
  db: Db,
  actor: PropertyActor,
  input: { merchantId: string; status: 'approved' | 'suspended' },
) {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ id: merchants.id, status: merchants.status })
      .from(merchants)
      .where(and(eq(merchants.id, input.merchantId), eq(merchants.companyId, actor.companyId)))
      .for('update');
    if (!before) throw new NotFound('Merchant');
    await tx.update(merchants).set({ status: input.status }).where(eq(merchants.id, before.id));
    await recordAudit(tx, {
      actor,
      action: input.status === 'approved' ? 'merchant.approve' : 'merchant.suspend',
      subjectType: 'merchant',
      subjectId: before.id,
      before: { status: before.status },
      after: { status: input.status },
    });
    return { id: before.id, status: input.status };
  });
}

/** `console.auditLog`: the company's audit trail, newest first, filtered by action and time. */
export async function listAuditLog(db: DbOrTx, actor: PropertyActor, input: AuditLogInput) {
  const { rows } = await db.execute<Row>(sql`
    SELECT a.id, a.actor_id, a.actor_role, a.action, a.subject_type, a.subject_id, a.before, a.after, a.at,
           u.display_name AS actor_name
      FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
     WHERE a.company_id = ${actor.companyId}
       ${input.action ? sql`AND a.action = ${input.action}` : sql``}
       ${input.from ? sql`AND a.at >= ${input.from}::timestamptz` : sql``}
       ${input.to ? sql`AND a.at < ${input.to}::timestamptz` : sql``}
       ${input.cursor ? sql`AND a.id < ${input.cursor}::bigint` : sql``}
     ORDER BY a.id DESC
     LIMIT ${input.limit + 1}`);
  const more = rows.length > input.limit;
  const items = (more ? rows.slice(0, input.limit) : rows).map((r) => ({
    id: Number(r.id),
    actorId: str(r.actor_id),
    actorName: str(r.actor_name),
    actorRole: String(r.actor_role),
    action: String(r.action),
    subjectType: String(r.subject_type),
    subjectId: String(r.subject_id),
    before: r.before,
    after: r.after,
    at: iso(r.at)!,
  }));
  return { items, nextCursor: more ? String(items[items.length - 1]!.id) : null };
}
