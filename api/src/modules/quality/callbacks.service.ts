import {
  callbackRuns,
  callbackTasks,
  communities,
  merchants,
  orderDisputes,
  orders,
  qualityTickets,
  services,
  units,
  type Db,
  type Tx,
} from '@cgp/db';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { Conflict, NotFound } from '../../errors';
import { afterCursor, decodeCursor, page } from '../../lib/cursor';
import { recordAudit } from '../audit/audit-log';
import type { PropertyActor } from '../identity/actor';
import { communityInScope, tenantScopeOf } from '../identity/tenant-scope';
import { transitionOrder, type OrderTimers } from '../orders/transition';
import type { callbacksListInput, recordCallbackInput } from './quality.schema';

/** The callback tasks the actor may see and record: those of its scope's communities. */
const taskInScope = (actor: PropertyActor) =>
  communityInScope(sql`${callbackTasks.communityId}`, tenantScopeOf(actor));

/** A quality ticket must be handled within this long (the seed's goal is 1.2 h on average). */
export const TICKET_DUE_HOURS = 24;

/**
 * The company's callback tasks: pending ones oldest first (the work list), done ones newest
 * first, with what the caller needs to ring the household.
 */
export async function listCallbacks(
  db: Db,
  actor: PropertyActor,
  input: z.infer<typeof callbacksListInput>,
) {
  const cursor = decodeCursor(input.cursor);
  const direction = input.status === 'done' ? 'desc' : 'asc';
  const rows = await db
    .select({
      task: callbackTasks,
      month: callbackRuns.month,
      unitLabel: units.label,
      communityName: communities.name,
      merchantName: merchants.name,
      serviceTitleZh: services.titleZh,
      serviceTitleEn: services.titleEn,
      completedAt: orders.completedAt,
      residentPhone: sql<string>`(SELECT phone FROM users WHERE id = ${orders.residentId})`,
      ticketId: qualityTickets.id,
      disputed: sql<boolean>`EXISTS (SELECT 1 FROM ${orderDisputes} d WHERE d.order_id = ${orders.id})`,
    })
    .from(callbackTasks)
    .innerJoin(callbackRuns, eq(callbackRuns.id, callbackTasks.runId))
    .innerJoin(units, eq(units.id, callbackTasks.unitId))
    .innerJoin(communities, eq(communities.id, callbackTasks.communityId))
    .innerJoin(merchants, eq(merchants.id, callbackTasks.merchantId))
    .innerJoin(orders, eq(orders.id, callbackTasks.orderId))
    .innerJoin(services, eq(services.id, orders.serviceId))
    .leftJoin(qualityTickets, eq(qualityTickets.callbackTaskId, callbackTasks.id))
    .where(
      and(
        taskInScope(actor),
        input.status ? eq(callbackTasks.status, input.status) : undefined,
        afterCursor(cursor, callbackTasks.createdAt, callbackTasks.id, direction),
      ),
    )
    .orderBy(
      direction === 'asc' ? asc(callbackTasks.createdAt) : desc(callbackTasks.createdAt),
      direction === 'asc' ? asc(callbackTasks.id) : desc(callbackTasks.id),
    )
    .limit(input.limit + 1);
  return page(
    rows,
    input.limit,
    (r) => ({ key: r.task.createdAt.toISOString(), id: r.task.id }),
    (r) => ({
      id: r.task.id,
      month: r.month.slice(0, 7),
      status: r.task.status,
      orderId: r.task.orderId,
      merchantId: r.task.merchantId,
      merchantName: r.merchantName,
      communityName: r.communityName,
      unitLabel: r.unitLabel,
      residentPhone: r.residentPhone,
      service: { titleZh: r.serviceTitleZh, titleEn: r.serviceTitleEn },
      servedAt: r.completedAt?.toISOString() ?? null,
      reached: r.task.reached,
      satisfaction: r.task.satisfaction,
      comment: r.task.comment,
      complaint: r.task.complaint,
      recordedAt: r.task.recordedAt?.toISOString() ?? null,
      ticketId: r.ticketId,
      disputed: r.disputed,
    }),
  );
}

/**
 * Records a call's outcome, once. A complaint opens a dispute on the order while it can still be
 * disputed, else a quality ticket owned by the caller, due in TICKET_DUE_HOURS; all in the one
 * transaction that closes the task.
 */
export async function recordCallback(
  db: Db,
  actor: PropertyActor,
  input: z.infer<typeof recordCallbackInput>,
  timers: OrderTimers,
) {
  const complaint = input.complaint ?? '';
  return db.transaction(async (tx) => {
    const [task] = await tx
      .update(callbackTasks)
      .set({
        status: 'done',
        reached: input.reached,
        satisfaction: input.satisfaction ?? null,
        comment: input.comment ?? '',
        complaint,
        recordedBy: actor.id,
        recordedAt: sql`now()`,
      })
      .where(
        and(
          eq(callbackTasks.id, input.id),
          taskInScope(actor),
          eq(callbackTasks.status, 'pending'),
        ),
      )
      .returning();
    if (!task) {
      const [existing] = await tx
        .select({ id: callbackTasks.id })
        .from(callbackTasks)
        .where(and(eq(callbackTasks.id, input.id), taskInScope(actor)));
      if (!existing) throw new NotFound('Callback');
      throw new Conflict('already_recorded', 'This callback has already been recorded');
    }
    let opened: 'none' | 'dispute' | 'ticket' = 'none';
    if (complaint) {
      opened = (await openDisputeIfOpen(tx, actor, task.orderId, complaint, timers))
        ? 'dispute'
        : 'ticket';
      if (opened === 'ticket') {
        await tx.insert(qualityTickets).values({
          companyId: task.companyId,
          communityId: task.communityId,
          orderId: task.orderId,
          merchantId: task.merchantId,
          callbackTaskId: task.id,
          complaint,
          ownerId: actor.id,
          dueAt: sql`now() + make_interval(hours => ${TICKET_DUE_HOURS})`,
        });
      }
    }
    await recordAudit(tx, {
      actor,
      action: 'quality.recordCallback',
      subjectType: 'callback',
      subjectId: task.id,
      after: {
        reached: task.reached,
        satisfaction: task.satisfaction,
        complaint: complaint || undefined,
        opened,
      },
    });
    return { id: task.id, status: task.status, opened };
  });
}

/** Opens a dispute on the order if its window is still open; false when it no longer can be. */
async function openDisputeIfOpen(
  tx: Tx,
  actor: PropertyActor,
  orderId: string,
  reason: string,
  timers: OrderTimers,
): Promise<boolean> {
  const [order] = await tx
    .select({ status: orders.status, autoConfirmAt: orders.autoConfirmAt })
    .from(orders)
    .where(eq(orders.id, orderId));
  const disputable =
    order?.status === 'completed' && !!order.autoConfirmAt && order.autoConfirmAt > new Date();
  if (!disputable) return false;
  await tx.execute(sql`SAVEPOINT ops_dispute`);
  try {
    await transitionOrder(tx, {
      orderId,
      action: 'opsDispute',
      actor: { kind: 'property_ops', userId: actor.id, companyId: actor.companyId },
      timers,
      reason,
    });
  } catch (error) {
    // The window closed between the read and the guarded update: a ticket it is.
    if (error instanceof Conflict) {
      await tx.execute(sql`ROLLBACK TO SAVEPOINT ops_dispute`);
      return false;
    }
    throw error;
  }
  await tx
    .insert(orderDisputes)
    .values({ orderId, reason })
    .onConflictDoUpdate({
      target: orderDisputes.orderId,
      set: { reason, openedAt: new Date(), resolvedAt: null, resolution: null },
    });
  return true;
}
