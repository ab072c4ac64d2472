import { orders, refunds, type Db } from '@cgp/db';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { Conflict, NotFound } from '../../errors';
import { labelOf, refundCauseLabel } from '../../labels';
import { recordAudit } from '../audit/audit-log';
import type { PropertyActor } from '../identity/actor';
import { orderIdInScope, type TenantScope } from '../identity/tenant-scope';
import { reserveRefundAgain } from '../ledger/refund-postings';
import { enqueue } from '../outbox/outbox';
import { QUEUES } from '../outbox/queues';
import { PAYMENT_JOBS } from './payment-jobs';

/**
 * `ops.refunds.list`: the scope's refunds that are not done, the ones the processor refused
 * (voided, waiting for ops) and the ones still on their way, newest first.
 */
export async function listOpenRefunds(
  db: Db,
  scope: TenantScope,
  input: { status?: 'failed' | 'pending' | undefined; limit: number },
) {
  const rows = await db
    .select({
      id: refunds.id,
      orderId: refunds.orderId,
      orderNo: orders.orderNo,
      amountFen: refunds.amountFen,
      status: refunds.status,
      cause: refunds.cause,
      failureReason: refunds.failureReason,
      attempt: refunds.attempt,
      dueAt: refunds.dueAt,
      createdAt: refunds.createdAt,
      updatedAt: refunds.updatedAt,
      /** Whether the order still has room for it: a lost chargeback may have given it back. */
      fits: sql<boolean>`${refunds.amountFen} <= ${orders.totalFen} - ${orders.refundFen}`,
    })
    .from(refunds)
    .innerJoin(orders, eq(orders.id, refunds.orderId))
    .where(
      and(
        input.status
          ? eq(refunds.status, input.status)
          : inArray(refunds.status, ['failed', 'pending']),
        orderIdInScope(sql`${refunds.orderId}`, scope),
      ),
    )
    .orderBy(desc(refunds.updatedAt), desc(refunds.id))
    .limit(input.limit);
  return rows.map(({ fits, ...r }) => ({
    ...r,
    statusLabel: labelOf('refundStatus', r.status),
    causeLabel: refundCauseLabel(r.cause),
    canRetry: r.status === 'failed' && fits,
    dueAt: r.dueAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

/**
 * `ops.refunds.retry`: a refund the processor refused (or that was given up) is reserved again as
 * its next attempt and queued, in one transaction with its audit record. The worker looks it up
 * at the processor before sending, and asks for a new refund (under the attempt's own idempotency
 * key) only when none of ours was made.
 */
export async function retryRefund(db: Db, actor: PropertyActor, refundId: string) {
  return db.transaction(async (tx) => {
    const inScope = orderIdInScope(sql`${refunds.orderId}`, {
      kind: 'company',
      companyId: actor.companyId,
    });
    const [current] = await tx
      .select({ status: refunds.status, attempt: refunds.attempt })
      .from(refunds)
      .where(and(eq(refunds.id, refundId), inScope));
    if (!current) throw new NotFound('Refund');
    const [again] = await tx
      .update(refunds)
      .set({
        status: 'pending',
        attempt: sql`${refunds.attempt} + 1`,
        failureReason: null,
        dueAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(refunds.id, refundId), eq(refunds.status, 'failed')))
      .returning();
    if (!again) throw new Conflict('not_failed', 'Only a failed refund can be retried');
    if (!(await reserveRefundAgain(tx, again))) {
      throw new Conflict(
        'refund_exceeds_payment',
        'The order has been refunded since; nothing is left for this refund',
      );
    }
    await enqueue(tx, {
      queue: QUEUES.payments,
      name: PAYMENT_JOBS.refund,
      payload: { refundId: again.id, orderId: again.orderId, amountFen: again.amountFen },
    });
    const retried = { refundId: again.id, status: 'pending' as const, attempt: again.attempt };
    await recordAudit(tx, {
      actor,
      action: 'ops.retryRefund',
      subjectType: 'refund',
      subjectId: again.id,
      before: { status: 'failed', attempt: current.attempt },
      after: retried,
    });
    return retried;
  });
}
