import {
  merchants,
  orders,
  services,
  slots,
  statementLines,
  statements,
  type DbOrTx,
} from '@cgp/db';
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { NotFound } from '../../errors';
import { afterCursor, decodeCursor, page } from '../../lib/cursor';
import { PAYABLE_PREFIX } from '../ledger/accounts';
import { split } from '../ledger/split';
import { orderLinesOf } from '../orders/order-lines';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** `pending`: reserved, awaiting the processor; `posted`: it confirmed; `voided`: given up. */
export function payoutPhaseOf(status: (typeof statements.$inferSelect)['status']) {
  return ({ pending: 'pending', paid: 'posted', failed: 'voided', carried: 'none' } as const)[
    status
  ];
}

export function statementView(s: typeof statements.$inferSelect, merchantName?: string) {
  return {
    id: s.id,
    merchantId: s.merchantId,
    merchantName,
    runId: s.runId,
    status: s.status,
    grossFen: s.grossFen,
    refundFen: s.refundFen,
    merchantFen: s.merchantFen,
    platformFen: s.platformFen,
    carriedInFen: s.carriedInFen,
    payoutFen: s.payoutFen,
    orderCount: s.orderCount,
    transferId: s.transferId,
    attempts: s.attempts,
    /** The payout's two phases: reserved and awaiting the processor, posted, or voided. */
    payoutPhase: payoutPhaseOf(s.status),
    failureReason: s.failureReason,
    createdAt: s.createdAt.toISOString(),
    paidAt: iso(s.paidAt),
  };
}

/** Statements visible under `scope` (one merchant, or a company's merchants), newest first. */
export async function listStatements(
  db: DbOrTx,
  scope: SQL,
  input: { cursor?: string; limit: number; status?: (typeof statements.$inferSelect)['status'][] },
) {
  const cursor = decodeCursor(input.cursor);
  const rows = await db
    .select({ statement: statements, merchantName: merchants.name })
    .from(statements)
    .innerJoin(merchants, eq(merchants.id, statements.merchantId))
    .where(
      and(
        scope,
        input.status?.length ? inArray(statements.status, input.status) : undefined,
        afterCursor(cursor, statements.createdAt, statements.id, 'desc'),
      ),
    )
    .orderBy(desc(statements.createdAt), desc(statements.id))
    .limit(input.limit + 1);
  return page(
    rows,
    input.limit,
    (r) => ({ key: r.statement.createdAt.toISOString(), id: r.statement.id }),
    (r) => statementView(r.statement, r.merchantName),
  );
}

/** One statement with its order lines, if `scope` allows it. */
export async function getStatement(db: DbOrTx, scope: SQL, id: string) {
  const [row] = await db
    .select({ statement: statements, merchantName: merchants.name })
    .from(statements)
    .innerJoin(merchants, eq(merchants.id, statements.merchantId))
    .where(and(eq(statements.id, id), scope));
  if (!row) throw new NotFound('Statement');
  const lines = await db
    .select({
      line: statementLines,
      titleZh: services.titleZh,
      titleEn: services.titleEn,
      status: orders.status,
      orderNo: orders.orderNo,
      startsAt: slots.startsAt,
      address: orders.addressSnapshot,
      dishes: orderLinesOf,
    })
    .from(statementLines)
    .innerJoin(orders, eq(orders.id, statementLines.orderId))
    .innerJoin(services, eq(services.id, orders.serviceId))
    .innerJoin(slots, eq(slots.id, orders.slotId))
    .where(eq(statementLines.statementId, id))
    .orderBy(slots.startsAt, statementLines.orderId);
  return {
    ...statementView(row.statement, row.merchantName),
    lines: lines.map((l) => ({
      orderId: l.line.orderId,
      orderNo: l.orderNo,
      service: { titleZh: l.titleZh, titleEn: l.titleEn },
      /** A menu order's dishes as sold; empty for other orders. */
      dishes: l.dishes ?? [],
      orderStatus: l.status,
      startsAt: l.startsAt.toISOString(),
      address: l.address,
      grossFen: l.line.grossFen,
      refundFen: l.line.refundFen,
      netFen: l.line.grossFen - l.line.refundFen,
      merchantFen: l.line.merchantFen,
      platformFen: l.line.platformFen,
      platformBps: l.line.platformBps,
    })),
  };
}

/**
 * `merchant.earnings`: pending (paid orders not yet earned, at the commission frozen on them),
 * available (earned, waiting for a statement), in payout (reserved, awaiting the processor), paid
 * out (posted), failed payouts, and anything carried (a negative balance after refunds that
 * followed payouts, or a reversed transfer). `balanceFen` is the ledger's payable, which no
 * longer holds reserved payouts.
 */
export async function merchantEarnings(db: DbOrTx, merchantId: string) {
  const pendingOrders = await db
    .select({ total: orders.totalFen, refund: orders.refundFen, bps: orders.platformBps })
    .from(orders)
    .where(
      and(
        eq(orders.merchantId, merchantId),
        inArray(orders.status, ['paid', 'accepted', 'in_service', 'completed', 'disputed']),
      ),
    );
  const pendingFen = pendingOrders.reduce(
    (s, o) => s + split(o.total - o.refund, o.bps ?? 3000).merchantFen,
    0,
  );
  const { rows } = await db.execute<Record<string, string>>(sql`
    SELECT
      (SELECT coalesce(sum(merchant_share_fen), 0) FROM orders
        WHERE merchant_id = ${merchantId} AND earned_at IS NOT NULL AND settled_at IS NULL) AS available,
      (SELECT coalesce(sum(payout_fen), 0) FROM statements
        WHERE merchant_id = ${merchantId} AND status = 'pending') AS paying,
      (SELECT coalesce(sum(payout_fen), 0) FROM statements
        WHERE merchant_id = ${merchantId} AND status = 'failed') AS failed,
      (SELECT coalesce(sum(payout_fen), 0) FROM statements
        WHERE merchant_id = ${merchantId} AND status = 'paid') AS paid,
      (SELECT coalesce(-sum(amount_fen), 0) FROM ledger_postings
        WHERE account = ${PAYABLE_PREFIX + merchantId}) AS balance`);
  const r = rows[0]!;
  const availableFen = Number(r.available);
  const failedPayoutFen = Number(r.failed);
  const balanceFen = Number(r.balance);
  return {
    pendingFen,
    availableFen,
    /** Reserved for transfers the processor has not confirmed yet (not in the payable any more). */
    payingFen: Number(r.paying),
    /** Posted: transfers the processor confirmed. */
    paidFen: Number(r.paid),
    /** Payouts that failed: back in the payable, waiting for ops to retry them. */
    failedPayoutFen,
    balanceFen,
    carriedFen: balanceFen - availableFen - failedPayoutFen,
  };
}
