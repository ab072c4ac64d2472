import {
  buildings,
  orders,
  services,
  slots,
  units,
  users,
  workers,
  type Db,
  type Tx,
} from '@cgp/db';
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { Conflict, Forbidden, NotFound } from '../../errors';
import { settleArrivalLateness } from '../delivery/sla-breaches';
import type { MerchantActor } from '../identity/actor';
import { attachPhotos, orderPhotos } from '../uploads/uploads.service';
import { orderViewById } from './order-view';
import {
  START_LEAD_MINUTES,
  transitionOrder,
  writeOrderEvent,
  type OrderTimers,
} from './transition';

/** The worker row of the signed-in staff member; the worker view is for workers only. */
async function workerOf(db: Db | Tx, actor: MerchantActor) {
  const [worker] = await db
    .select({ id: workers.id, name: users.displayName })
    .from(workers)
    .innerJoin(users, eq(users.id, workers.userId))
    .where(and(eq(workers.userId, actor.id), eq(workers.merchantId, actor.merchantId)));
  if (!worker) throw new Forbidden('Only workers have tasks', 'not_a_worker');
  return worker;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * `worker.tasks.list`: the worker's open tasks and what they finished today, in time order, with
 * building and unit, what to do, and the deadlines that apply.
 */
export async function listWorkerTasks(db: Db, actor: MerchantActor, timeZone: string) {
  const worker = await workerOf(db, actor);
  const rows = await db
    .select({
      order: orders,
      titleZh: services.titleZh,
      titleEn: services.titleEn,
      building: buildings.name,
      unit: units.label,
      residentName: users.displayName,
      startsAt: sql<Date>`lower(${orders.servicePeriod})`.mapWith((v: string) => new Date(v)),
      startable: sql<boolean>`${slots.startsAt} <= now() + make_interval(mins => ${START_LEAD_MINUTES})`,
    })
    .from(orders)
    .innerJoin(services, eq(services.id, orders.serviceId))
    .innerJoin(slots, eq(slots.id, orders.slotId))
    .innerJoin(units, eq(units.id, orders.unitId))
    .innerJoin(buildings, eq(buildings.id, units.buildingId))
    .innerJoin(users, eq(users.id, orders.residentId))
    .where(
      and(
        eq(orders.workerId, worker.id),
        or(
          inArray(orders.status, ['pending_payment', 'paid', 'accepted', 'in_service']),
          sql`(${orders.completedAt} AT TIME ZONE ${timeZone})::date = (now() AT TIME ZONE ${timeZone})::date`,
        ),
      ),
    )
    .orderBy(sql`lower(${orders.servicePeriod})`, asc(orders.id))
    .limit(100);
  const items = await Promise.all(
    rows.map(async (r) => ({
      id: r.order.id,
      status: r.order.status,
      mode: r.order.mode,
      ring: r.order.ring,
      service: { titleZh: r.titleZh, titleEn: r.titleEn },
      building: r.building,
      unit: r.unit,
      address: r.order.addressSnapshot,
      residentName: r.residentName,
      notes: r.order.notes,
      careRecipient: r.order.careRecipient,
      quantity: r.order.quantity,
      startsAt: r.startsAt.toISOString(),
      acceptDueAt: iso(r.order.acceptDueAt),
      arriveDueAt: iso(r.order.arriveDueAt),
      arrivedAt: iso(r.order.arrivedAt),
      completedAt: iso(r.order.completedAt),
      completionNote: r.order.completionNote,
      photos: r.order.status === 'completed' ? await orderPhotos(db, r.order.id) : [],
      // Arrival starts the service: an on-demand order at once, a slot order from 30 minutes
      // before its slot (SPEC §3), as `transitionOrder` guards it.
      canArrive:
        r.order.status === 'accepted' &&
        !r.order.arrivedAt &&
        (r.order.mode === 'on_demand' || r.startable),
      canComplete: r.order.status === 'in_service',
    })),
  );
  return { worker: { id: worker.id, name: worker.name }, items, nextCursor: null };
}

/** Locks the worker's own order; anyone else's order does not exist for them. */
async function ownTask(tx: Tx, workerId: string, orderId: string) {
  const [order] = await tx
    .select({ id: orders.id, status: orders.status, arrivedAt: orders.arrivedAt })
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.workerId, workerId)))
    .for('update');
  if (!order) throw new NotFound('Task');
  return order;
}

/**
 * 到达打卡: the worker checks in at the door. The arrival time is recorded and the service starts
 * (SPEC §3: an on-demand order starts when its worker arrives), in one transaction.
 */
export async function arriveAtTask(
  db: Db,
  actor: MerchantActor,
  orderId: string,
  timers: OrderTimers,
) {
  await db.transaction(async (tx) => {
    const worker = await workerOf(tx, actor);
    const task = await ownTask(tx, worker.id, orderId);
    if (task.arrivedAt) throw new Conflict('already_arrived', 'Arrival is already recorded');
    const [arrived] = await tx
      .update(orders)
      .set({ arrivedAt: sql`now()` })
      .where(and(eq(orders.id, orderId), isNull(orders.arrivedAt), eq(orders.status, 'accepted')))
      .returning({ arrivedAt: orders.arrivedAt, arriveDueAt: orders.arriveDueAt });
    if (!arrived) {
      throw new Conflict('not_accepted', 'The merchant has not accepted this order yet', {
        status: task.status,
      });
    }
    const lateSeconds =
      arrived.arriveDueAt && arrived.arrivedAt! > arrived.arriveDueAt
        ? Math.floor((arrived.arrivedAt!.getTime() - arrived.arriveDueAt.getTime()) / 1000)
        : 0;
    const by = { kind: 'merchant' as const, userId: actor.id, merchantId: actor.merchantId };
    await writeOrderEvent(tx, {
      orderId,
      actor: by,
      kind: 'arrive',
      from: 'accepted',
      to: 'accepted',
      reason: 'worker arrived',
      detail: { workerId: worker.id, workerName: worker.name, lateSeconds },
    });
    if (lateSeconds > 0) await settleArrivalLateness(tx, orderId);
    await transitionOrder(tx, {
      orderId,
      action: 'start',
      actor: by,
      timers,
      reason: 'worker arrived',
    });
  });
  return orderViewById(db, orderId);
}

/** 完成: the finished work, with at least one photo and a note, completes the order. */
export async function completeTask(
  db: Db,
  actor: MerchantActor,
  input: { id: string; photoIds: string[]; note: string },
  timers: OrderTimers,
) {
  await db.transaction(async (tx) => {
    const worker = await workerOf(tx, actor);
    const task = await ownTask(tx, worker.id, input.id);
    if (task.status !== 'in_service') {
      throw new Conflict('not_in_service', 'Check in on arrival before completing the task', {
        status: task.status,
      });
    }
    await attachPhotos(tx, actor.id, input.id, input.photoIds);
    await tx.update(orders).set({ completionNote: input.note }).where(eq(orders.id, input.id));
    await transitionOrder(tx, {
      orderId: input.id,
      action: 'complete',
      actor: { kind: 'merchant', userId: actor.id, merchantId: actor.merchantId },
      timers,
      reason: 'worker completed',
    });
  });
  return orderViewById(db, input.id);
}
