import { refunds, type DbOrTx } from '@cgp/db';
import { asc, eq } from 'drizzle-orm';
import { labelOf } from '../../labels';

/** The refunds of an order as the order view shows them, oldest first. */
export async function refundsOfOrder(db: DbOrTx, orderId: string) {
  const rows = await db
    .select()
    .from(refunds)
    .where(eq(refunds.orderId, orderId))
    .orderBy(asc(refunds.createdAt), asc(refunds.id));
  return rows.map((r) => ({
    id: r.id,
    amountFen: r.amountFen,
    status: r.status,
    /** 退款失败 for a refund the processor refused: ops retry it. */
    statusLabel: labelOf('refundStatus', r.status),
    cause: r.cause,
    createdAt: r.createdAt.toISOString(),
  }));
}
