import { communities, orderDisputes, orders, type Db } from '@cgp/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { Conflict, NotFound } from '../../errors';
import { recordAudit } from '../audit/audit-log';
import type { PropertyActor } from '../identity/actor';
import { recordRefund } from '../ledger/order-money';
import { act } from './order-actions';
import type { OrderTimers } from './transition';

/** property_ops settles a dispute: the order is confirmed, or (partly) refunded and closed. */
export async function resolveDispute(
  db: Db,
  actor: PropertyActor,
  input: { orderId: string; outcome: 'confirm' | 'refund'; refundFen?: number; note: string },
  timers: OrderTimers,
) {
  return act(
    db,
    {
      orderId: input.orderId,
      action: input.outcome === 'confirm' ? 'resolveConfirm' : 'resolveRefund',
      actor: { kind: 'property_ops', userId: actor.id, companyId: actor.companyId },
      timers,
      reason: input.note,
      refundFen: input.outcome === 'refund' ? input.refundFen : undefined,
    },
    async (tx, { order, refundFen }) => {
      await tx
        .update(orderDisputes)
        .set({ resolvedAt: new Date(), resolvedBy: actor.id, resolution: input.note, refundFen })
        .where(and(eq(orderDisputes.orderId, order.id), isNull(orderDisputes.resolvedAt)));
      await recordAudit(tx, {
        actor,
        action: 'ops.resolveDispute',
        subjectType: 'order',
        subjectId: order.id,
        after: { outcome: input.outcome, refundFen, note: input.note, status: order.status },
      });
    },
  );
}

/**
 * property_ops gives money back on an order that has already earned its shares (goodwill, or a
 * complaint after confirmation). The state does not change; the shares are recomputed and the
 * differences posted, and a merchant already paid out carries the difference into the next statement.
 */
export async function refundEarnedOrder(
  db: Db,
  actor: PropertyActor,
  input: { orderId: string; amountFen: number; reason: string },
) {
  return db.transaction(async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(
        and(
          eq(orders.id, input.orderId),
          sql`${orders.communityId} IN (SELECT ${communities.id} FROM ${communities} WHERE ${communities.companyId} = ${actor.companyId})`,
        ),
      )
      .for('update');
    if (!order) throw new NotFound('Order');
    if (!order.earnedAt) {
      throw new Conflict(
        'not_earned',
        'Only an order that has earned its shares can be refunded this way',
      );
    }
    const left = order.totalFen - order.refundFen;
    if (input.amountFen > left) {
      throw new Conflict(
        'refund_exceeds_payment',
        `At most ${left} fen is left to refund on this order`,
      );
    }
    const [updated] = await tx
      .update(orders)
      .set({ refundFen: sql`${orders.refundFen} + ${input.amountFen}`, updatedAt: new Date() })
      .where(eq(orders.id, order.id))
      .returning();
    const refund = await recordRefund(
      tx,
      updated!,
      input.amountFen,
      `ops: ${input.reason}`.slice(0, 200),
    );
    await recordAudit(tx, {
      actor,
      action: 'ops.refundOrder',
      subjectType: 'order',
      subjectId: order.id,
      after: { amountFen: input.amountFen, reason: input.reason },
    });
    return {
      orderId: order.id,
      refundId: refund.id,
      amountFen: input.amountFen,
      refundFen: updated!.refundFen,
    };
  });
}
