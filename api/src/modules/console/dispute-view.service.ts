import type { DbOrTx } from '@cgp/db';
import { sql } from 'drizzle-orm';
import { BadRequest, NotFound } from '../../errors';
import type { PropertyActor } from '../identity/actor';
import { companyScope, orderInScope } from '../identity/tenant-scope';
import { split } from '../ledger/split';
import { photoUrl } from '../uploads/uploads.service';
import { iso, num, str, type Row } from './sql-row';

/** The order under dispute, in the caller's company, with what ops need to weigh it; or NotFound. */
async function disputedOrder(db: DbOrTx, actor: PropertyActor, orderId: string) {
  const { rows } = await db.execute<Row>(sql`
    SELECT d.reason, d.opened_at, d.resolved_at, d.resolution, d.refund_fen AS resolved_refund_fen,
           d.merchant_statement, d.merchant_statement_at,
           o.id, o.order_no, o.status, o.category, o.quantity, o.total_fen, o.refund_fen, o.platform_bps,
           o.address_snapshot, o.notes, o.completion_note, o.paid_at, o.accepted_at, o.arrived_at,
           o.started_at, o.completed_at, o.resident_id,
           s.title_zh, s.title_en, m.name AS merchant_name, u.display_name AS resident_name,
           wu.display_name AS worker_name
      FROM order_disputes d
      JOIN orders o ON o.id = d.order_id
      JOIN services s ON s.id = o.service_id
      JOIN merchants m ON m.id = o.merchant_id
      JOIN users u ON u.id = o.resident_id
      LEFT JOIN workers w ON w.id = o.worker_id LEFT JOIN users wu ON wu.id = w.user_id
     WHERE d.order_id = ${orderId} AND ${orderInScope('o', companyScope(actor.companyId))}`);
  const row = rows[0];
  if (!row) throw new NotFound('Dispute');
  return row;
}

/**
 * `console.dispute`: one dispute with both sides — the resident's reason and photos, the
 * merchant's statement, its worker's note and photos of the finished work — the order, its
 * timeline, and what can still be refunded.
 */
export async function getDispute(db: DbOrTx, actor: PropertyActor, orderId: string) {
  const r = await disputedOrder(db, actor, orderId);
  const { rows: photos } = await db.execute<Row>(sql`
    SELECT p.id, p.width, p.height, p.created_at, (p.owner_id = ${String(r.resident_id)}::uuid OR ow.role = 'resident') AS by_resident
      FROM uploads p JOIN users ow ON ow.id = p.owner_id
     WHERE p.order_id = ${orderId}
     ORDER BY p.created_at, p.id`);
  const photo = (p: Row) => ({
    id: String(p.id),
    url: photoUrl(String(p.id)),
    width: Number(p.width),
    height: Number(p.height),
  });
  const totalFen = Number(r.total_fen);
  const refundFen = Number(r.refund_fen);
  const platformBps = num(r.platform_bps);
  return {
    order: {
      id: String(r.id),
      orderNo: String(r.order_no),
      status: String(r.status),
      category: String(r.category),
      serviceTitleZh: String(r.title_zh),
      serviceTitleEn: String(r.title_en ?? r.title_zh),
      merchantName: String(r.merchant_name),
      residentName: String(r.resident_name),
      workerName: str(r.worker_name),
      address: String(r.address_snapshot),
      quantity: Number(r.quantity),
      totalFen,
      refundFen,
      refundableFen: totalFen - refundFen,
      platformBps,
      paidAt: iso(r.paid_at),
      acceptedAt: iso(r.accepted_at),
      arrivedAt: iso(r.arrived_at),
      startedAt: iso(r.started_at),
      completedAt: iso(r.completed_at),
    },
    resident: {
      name: String(r.resident_name),
      reason: String(r.reason),
      notes: str(r.notes) ?? '',
      openedAt: iso(r.opened_at)!,
      photos: photos.filter((p) => p.by_resident === true).map(photo),
    },
    merchant: {
      name: String(r.merchant_name),
      statement: str(r.merchant_statement),
      statedAt: iso(r.merchant_statement_at),
      completionNote: str(r.completion_note) ?? '',
      photos: photos.filter((p) => p.by_resident !== true).map(photo),
    },
    resolution: r.resolved_at
      ? {
          resolvedAt: iso(r.resolved_at)!,
          note: str(r.resolution),
          refundFen: r.resolved_refund_fen === null ? null : Number(r.resolved_refund_fen),
        }
      : null,
  };
}

/**
 * `console.disputeRefundPreview`: what a proposed refund leaves — the order's remaining amount
 * and how it would be shared at the order's frozen rate, by the one split function (SPEC §4).
 */
export async function previewDisputeRefund(
  db: DbOrTx,
  actor: PropertyActor,
  input: { orderId: string; refundFen: number },
) {
  const r = await disputedOrder(db, actor, input.orderId);
  const refundableFen = Number(r.total_fen) - Number(r.refund_fen);
  if (input.refundFen > refundableFen) {
    throw new BadRequest('refund_exceeds_payment', 'The refund is more than can be given back', {
      refundableFen,
    });
  }
  const remainingFen = refundableFen - input.refundFen;
  const bps = num(r.platform_bps);
  const shares = bps === null ? null : split(remainingFen, bps);
  return {
    refundFen: input.refundFen,
    remainingFen,
    platformBps: bps,
    merchantFen: shares?.merchantFen ?? null,
    platformFen: shares?.platformFen ?? null,
  };
}
