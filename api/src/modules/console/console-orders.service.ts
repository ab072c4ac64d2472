import type { DbOrTx } from '@cgp/db';
import { sql } from 'drizzle-orm';
import { NotFound } from '../../errors';
import { decodeCursor, page } from '../../lib/cursor';
import type { PropertyActor } from '../identity/actor';
import { iso, num, str, type Row } from './sql-row';
import { companyScope, orderInScope } from '../identity/tenant-scope';
import type { ConsoleOrdersInput } from './console.schema';

/**
 * Orders a clerk is looking for: by order number, by the resident's phone number (the whole of it
 * or its last digits), or by part of the resident's name. LIKE wildcards in the text match
 * themselves.
 */
function orderSearch(q: string) {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const phone = /^\d{4,11}$/.test(q) ? sql`OR r.phone LIKE ${`%${q}`}` : sql``;
  return sql`AND (o.order_no = ${q.toUpperCase()} ${phone} OR r.display_name ILIKE ${like})`;
}

/**
 * `console.orders`: the orders behind a revenue-share row — earned in [from, to) in the company's
 * communities, newest first — with their split and the statement that settled them, if any.
 */
export async function listConsoleOrders(
  db: DbOrTx,
  actor: PropertyActor,
  input: ConsoleOrdersInput,
) {
  const cursor = decodeCursor(input.cursor);
  const { rows } = await db.execute<Row>(sql`
    SELECT o.id, o.order_no, o.status, o.category, o.merchant_id, m.name AS merchant_name, o.total_fen, o.refund_fen,
           o.merchant_share_fen, o.platform_share_fen, o.platform_bps, o.created_at, o.paid_at, o.earned_at,
           o.address_snapshot, sl.statement_id, r.display_name AS resident_name,
           s.title_zh AS service_title_zh, s.title_en AS service_title_en
      FROM orders o
      JOIN merchants m ON m.id = o.merchant_id
      JOIN users r ON r.id = o.resident_id
      JOIN services s ON s.id = o.service_id
      LEFT JOIN statement_lines sl ON sl.order_id = o.id
     WHERE ${orderInScope('o', companyScope(actor.companyId))}
       AND o.earned_at >= ${input.from}::timestamptz AND o.earned_at < ${input.to}::timestamptz
       ${input.merchantId ? sql`AND o.merchant_id = ${input.merchantId}` : sql``}
       ${input.category ? sql`AND o.category = ${input.category}` : sql``}
       ${input.q ? orderSearch(input.q) : sql``}
       ${cursor ? sql`AND (o.earned_at, o.id) < (${cursor.key}::timestamptz, ${cursor.id}::uuid)` : sql``}
     ORDER BY o.earned_at DESC, o.id DESC
     LIMIT ${input.limit + 1}`);
  return page(
    rows,
    input.limit,
    (r) => ({ key: iso(r.earned_at)!, id: String(r.id) }),
    (r) => {
      const grossFen = Number(r.total_fen);
      const refundFen = Number(r.refund_fen);
      return {
        id: String(r.id),
        orderNo: String(r.order_no),
        status: String(r.status),
        category: String(r.category),
        merchantId: String(r.merchant_id),
        merchantName: String(r.merchant_name),
        address: String(r.address_snapshot),
        residentName: String(r.resident_name),
        serviceTitleZh: String(r.service_title_zh),
        serviceTitleEn: String(r.service_title_en),
        grossFen,
        refundFen,
        netFen: grossFen - refundFen,
        merchantFen: num(r.merchant_share_fen),
        platformFen: num(r.platform_share_fen),
        platformBps: num(r.platform_bps),
        createdAt: iso(r.created_at)!,
        paidAt: iso(r.paid_at),
        earnedAt: iso(r.earned_at),
        statementId: str(r.statement_id),
      };
    },
  );
}

/**
 * `console.order`: one order of the company with everything an auditor follows it through — its
 * status timeline, refunds, every journal entry that touched it with all of the entry's postings,
 * and the statement line, statement and transfer that paid it out.
 */
export async function getConsoleOrder(db: DbOrTx, actor: PropertyActor, id: string) {
  const { rows: found } = await db.execute<Row>(sql`
    SELECT o.*, m.name AS merchant_name, c.name AS community_name, wu.display_name AS worker_name
      FROM orders o JOIN merchants m ON m.id = o.merchant_id JOIN communities c ON c.id = o.community_id
      LEFT JOIN workers w ON w.id = o.worker_id LEFT JOIN users wu ON wu.id = w.user_id
     WHERE o.id = ${id} AND c.company_id = ${actor.companyId}`);
  const o = found[0];
  if (!o) throw new NotFound('Order');

  const [events, refunds, postings, line, breaches] = await Promise.all([
    db.execute<Row>(sql`
      SELECT id, actor_kind, kind, detail, from_status, to_status, reason, at FROM order_events
       WHERE order_id = ${id} ORDER BY id`),
    db.execute<Row>(sql`
      SELECT id, amount_fen, cause, status, stripe_refund_id, failure_reason, created_at FROM refunds
       WHERE order_id = ${id} ORDER BY created_at`),
    db.execute<Row>(sql`
      SELECT e.id AS entry_id, e.kind, e.memo, e.idempotency_key, e.refund_id AS entry_refund_id,
             e.statement_id AS entry_statement_id, e.created_at AS entry_created_at,
             p.id, p.account, p.amount_fen, p.order_id, p.merchant_id, p.refund_id, p.statement_id
        FROM journal_entries e JOIN ledger_postings p ON p.entry_id = e.id
       WHERE e.id IN (SELECT entry_id FROM ledger_postings WHERE order_id = ${id})
          OR e.order_id = ${id}
       ORDER BY e.created_at, e.id, p.id`),
    db.execute<Row>(sql`
      SELECT sl.*, s.status AS statement_status, s.transfer_id, s.payout_fen, s.created_at AS statement_created_at,
             s.paid_at AS statement_paid_at
        FROM statement_lines sl JOIN statements s ON s.id = sl.statement_id
       WHERE sl.order_id = ${id}`),
    db.execute<Row>(sql`
      SELECT step, ring, due_at, breached_at, late_seconds FROM sla_breaches
       WHERE order_id = ${id} ORDER BY breached_at`),
  ]);

  const entries = new Map<
    string,
    {
      id: string;
      kind: string;
      memo: string;
      idempotencyKey: string;
      refundId: string | null;
      statementId: string | null;
      createdAt: string;
      postings: {
        id: number;
        account: string;
        amountFen: number;
        orderId: string | null;
        merchantId: string | null;
        refundId: string | null;
        statementId: string | null;
      }[];
    }
  >();
  for (const p of postings.rows) {
    const entryId = String(p.entry_id);
    let entry = entries.get(entryId);
    if (!entry) {
      entry = {
        id: entryId,
        kind: String(p.kind),
        memo: String(p.memo),
        idempotencyKey: String(p.idempotency_key),
        refundId: str(p.entry_refund_id),
        statementId: str(p.entry_statement_id),
        createdAt: iso(p.entry_created_at)!,
        postings: [],
      };
      entries.set(entryId, entry);
    }
    entry.postings.push({
      id: Number(p.id),
      account: String(p.account),
      amountFen: Number(p.amount_fen),
      orderId: str(p.order_id),
      merchantId: str(p.merchant_id),
      refundId: str(p.refund_id),
      statementId: str(p.statement_id),
    });
  }
  const l = line.rows[0];
  const grossFen = Number(o.total_fen);
  const refundFen = Number(o.refund_fen);
  return {
    order: {
      id: String(o.id),
      orderNo: String(o.order_no),
      status: String(o.status),
      category: String(o.category),
      merchantId: String(o.merchant_id),
      merchantName: String(o.merchant_name),
      communityName: String(o.community_name),
      address: String(o.address_snapshot),
      quantity: Number(o.quantity),
      grossFen,
      refundFen,
      netFen: grossFen - refundFen,
      merchantFen: num(o.merchant_share_fen),
      platformFen: num(o.platform_share_fen),
      platformBps: num(o.platform_bps),
      createdAt: iso(o.created_at)!,
      paidAt: iso(o.paid_at),
      earnedAt: iso(o.earned_at),
      settledAt: iso(o.settled_at),
    },
    delivery: {
      mode: String(o.mode),
      ring: str(o.ring),
      workerName: str(o.worker_name),
      acceptDueAt: iso(o.accept_due_at),
      arriveDueAt: iso(o.arrive_due_at),
      arrivedAt: iso(o.arrived_at),
    },
    breaches: breaches.rows.map((b) => ({
      step: String(b.step),
      ring: String(b.ring),
      dueAt: iso(b.due_at)!,
      breachedAt: iso(b.breached_at)!,
      lateSeconds: Number(b.late_seconds),
    })),
    events: events.rows.map((e) => ({
      id: Number(e.id),
      actorKind: String(e.actor_kind),
      kind: String(e.kind),
      detail: (e.detail ?? null) as Record<string, unknown> | null,
      from: str(e.from_status),
      to: String(e.to_status),
      reason: String(e.reason),
      at: iso(e.at)!,
    })),
    refunds: refunds.rows.map((r) => ({
      id: String(r.id),
      amountFen: Number(r.amount_fen),
      cause: String(r.cause),
      status: String(r.status),
      stripeRefundId: str(r.stripe_refund_id),
      failureReason: str(r.failure_reason),
      createdAt: iso(r.created_at)!,
    })),
    journalEntries: [...entries.values()],
    statementLine: l
      ? {
          statementId: String(l.statement_id),
          grossFen: Number(l.gross_fen),
          refundFen: Number(l.refund_fen),
          merchantFen: Number(l.merchant_fen),
          platformFen: Number(l.platform_fen),
          platformBps: Number(l.platform_bps),
          statement: {
            id: String(l.statement_id),
            status: String(l.statement_status),
            payoutFen: Number(l.payout_fen),
            transferId: str(l.transfer_id),
            createdAt: iso(l.statement_created_at)!,
            paidAt: iso(l.statement_paid_at),
          },
        }
      : null,
  };
}
