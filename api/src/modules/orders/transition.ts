import { communities, orderEvents, orders, services, slots, type Tx } from '@cgp/db';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { Conflict, Forbidden, NotFound } from '../../errors';
import { RING_SLA } from '../delivery/service-circle';
import { recordSlaBreach } from '../delivery/sla-breaches';
import { enqueue } from '../outbox/outbox';
import { recordEarning, recordPayment, recordRefund } from '../ledger/order-money';
import type { ProcessorMoney } from '../ledger/processor-cash';
import { QUEUES, TIMER_JOBS } from '../outbox/queues';
import { cancellationTerms } from './cancellation';
import { ORDER_ACTIONS, type ActorKind, type OrderAction, type OrderStatus } from './order-states';

/** Who moves an order. Residents and merchants only move their own orders. */
export type OrderActor =
  | { kind: 'resident'; userId: string }
  | { kind: 'merchant'; userId: string; merchantId: string }
  | { kind: 'property_ops'; userId: string; companyId: string }
  | { kind: 'system' };

export interface OrderTimers {
  paymentTimeoutSeconds: number;
  acceptSlaSeconds: number;
  autoConfirmSeconds: number;
  /** Confirmed and unrated this long, an order gets its 系统默认好评 (SPEC §12: 7 days). */
  defaultRatingSeconds: number;
}

export interface TransitionInput {
  orderId: string;
  action: OrderAction;
  actor: OrderActor;
  reason?: string;
  timers: OrderTimers;
  /** For `resolveRefund`: how much of the remaining money goes back (default: all of it). */
  refundFen?: number;
  /** For `pay`: when the payment was created at the processor (the commission in force then). */
  paymentCreatedAt?: Date;
  /** For `pay`: the charge's balance transaction (its id and the processor's fee). */
  paymentMoney?: ProcessorMoney | null;
  now?: Date;
}

export type OrderRow = typeof orders.$inferSelect;

/** Rows the actor may see at all; anything else is NOT_FOUND, never a hint that it exists. */
function ownedBy(actor: OrderActor): SQL | undefined {
  switch (actor.kind) {
    case 'resident':
      return eq(orders.residentId, actor.userId);
    case 'merchant':
      return eq(orders.merchantId, actor.merchantId);
    case 'property_ops':
      return sql`${orders.communityId} IN (SELECT ${communities.id} FROM ${communities} WHERE ${communities.companyId} = ${actor.companyId})`;
    case 'system':
      return undefined;
  }
}

/** Service starts at most this long before its slot (SPEC §3). */
export const START_LEAD_MINUTES = 30;

/**
 * The earliest moment service on an order may start: 30 minutes before its slot, or at once for an
 * on-demand order (its slot is the time held for it from booking on; it starts when the worker
 * arrives, SPEC §12). The same rule `timeGuard('start')` applies in SQL.
 */
export function earliestStartAt(
  order: { mode: OrderRow['mode'] },
  slotStartsAt: Date,
): Date | null {
  if (order.mode === 'on_demand') return null;
  return new Date(slotStartsAt.getTime() - START_LEAD_MINUTES * 60_000);
}

/** Extra conditions some actions carry beyond the from-state (deadlines). */
function timeGuard(action: OrderAction): SQL | undefined {
  switch (action) {
    case 'start':
      // An on-demand order's slot is the time held for it from booking on, so it has no future
      // start to wait for: it starts when the worker arrives (SPEC §12).
      return sql`(${orders.mode} = 'on_demand' OR EXISTS (
        SELECT 1 FROM ${slots} WHERE ${slots.id} = ${orders.slotId}
           AND ${slots.startsAt} <= now() + make_interval(mins => ${START_LEAD_MINUTES})))`;
    case 'expire':
      return sql`${orders.paymentDueAt} <= now()`;
    case 'slaReject':
      return sql`${orders.acceptDueAt} <= now()`;
    case 'autoConfirm':
      return sql`${orders.autoConfirmAt} <= now()`;
    case 'dispute':
    case 'opsDispute':
      return sql`${orders.autoConfirmAt} > now()`;
    default:
      return undefined;
  }
}

const seconds = (n: number) => sql`now() + make_interval(secs => ${n})`;

function columnsFor(action: OrderAction, to: OrderStatus, timers: OrderTimers, order: OrderRow) {
  const set: Partial<Record<keyof OrderRow, SQL>> = { updatedAt: sql`now()` };
  if (action === 'pay') {
    set.paidAt = sql`now()`;
    // An on-demand order carries its ring's SLA (SPEC §12); a slot order §3's acceptance SLA.
    const ring = order.mode === 'on_demand' && order.ring ? RING_SLA[order.ring] : null;
    set.acceptDueAt = seconds(ring ? ring.acceptMinutes * 60 : timers.acceptSlaSeconds);
    if (ring) set.arriveDueAt = seconds(ring.arriveMinutes * 60);
  }
  if (action === 'accept') set.acceptedAt = sql`now()`;
  if (action === 'start') set.startedAt = sql`now()`;
  if (action === 'complete') {
    set.completedAt = sql`now()`;
    set.autoConfirmAt = seconds(timers.autoConfirmSeconds);
  }
  if (to === 'confirmed') {
    set.confirmedAt = sql`now()`;
    set.defaultRatingAt = seconds(timers.defaultRatingSeconds);
  }
  if (action === 'slaReject') set.slaBreachedAt = sql`now()`;
  if (action === 'merchantCancel') set.merchantCancelledAt = sql`now()`;
  if (action === 'settle') set.settledAt = sql`now()`;
  if (['expired', 'rejected', 'cancelled', 'refunded'].includes(to)) set.closedAt = sql`now()`;
  return set;
}

/** Turns a blocked action into the error the caller should see. */
function refusal(action: OrderAction, order: OrderRow, slotStartsAt: Date): Conflict {
  const rule = ORDER_ACTIONS[action];
  const status = order.status;
  const earliest = earliestStartAt(order, slotStartsAt);
  if (action === 'start' && rule.from.includes(status) && earliest) {
    return new Conflict(
      'too_early_to_start',
      `Service can start at most ${START_LEAD_MINUTES} minutes before its slot, from ${earliest.toISOString()}`,
      { minutes: START_LEAD_MINUTES, earliestStartAt: earliest.toISOString() },
    );
  }
  if (rule.from.includes(status)) {
    // The state allowed it, so a deadline did not.
    return new Conflict(
      'deadline',
      `The time for "${action}" on this order has passed or not come yet`,
    );
  }
  return new Conflict(
    'invalid_transition',
    `An order that is ${status} cannot be moved by "${action}"`,
    {
      status,
      action,
    },
  );
}

/** One row of an order's history: a move between states, or a step within one (`arrive`). */
export interface OrderEventInput {
  orderId: string;
  actor: OrderActor;
  kind?: (typeof orderEvents.$inferInsert)['kind'];
  from: OrderStatus | null;
  to: OrderStatus;
  reason?: string | undefined;
  detail?: Record<string, unknown>;
}

/**
 * Writes an `order_events` row, in the caller's transaction: who acted (a user, or the system),
 * from and to which state, the reason (internal, kept to 500 characters) and any detail. The one
 * writer the state machine and the steps beside it (arrival) share, so every row has one shape.
 */
export async function writeOrderEvent(tx: Tx, event: OrderEventInput) {
  await tx.insert(orderEvents).values({
    orderId: event.orderId,
    kind: event.kind ?? 'status',
    actorKind: event.actor.kind,
    actorId: event.actor.kind === 'system' ? null : event.actor.userId,
    fromStatus: event.from,
    toStatus: event.to,
    reason: (event.reason ?? '').slice(0, 500),
    detail: event.detail ?? null,
  });
}

export interface TransitionResult {
  order: OrderRow;
  from: OrderStatus;
  refundFen: number;
}

/**
 * The one function that moves an order (SPEC §3), inside the caller's transaction: checks who may
 * act, performs a guarded `UPDATE … WHERE status IN (…)`, writes the `order_events` row, releases
 * capacity, and records the refund and the next timer in the outbox.
 */
export async function transitionOrder(tx: Tx, input: TransitionInput): Promise<TransitionResult> {
  const rule = ORDER_ACTIONS[input.action];
  if (rule.by !== input.actor.kind) {
    throw new Forbidden(
      `Only ${describeKind(rule.by)} may ${input.action} an order`,
      'wrong_actor',
    );
  }
  // Lock the row first so the refund is computed from the state the update will change.
  const [current] = await tx
    .select({
      order: orders,
      startsAt: slots.startsAt,
      freeCancelMinutes: services.freeCancelMinutes,
      lateCancelFeeBps: services.lateCancelFeeBps,
    })
    .from(orders)
    .innerJoin(slots, eq(slots.id, orders.slotId))
    .innerJoin(services, eq(services.id, orders.serviceId))
    .where(and(eq(orders.id, input.orderId), ownedBy(input.actor)))
    .for('update', { of: orders });
  if (!current) throw new NotFound('Order');
  const from = current.order.status;

  const remaining = current.order.totalFen - current.order.refundFen;
  let refundFen = 0;
  if (rule.refund === 'full') refundFen = remaining;
  if (rule.refund === 'policy') {
    refundFen = Math.min(
      remaining,
      cancellationTerms({
        totalFen: current.order.totalFen,
        startsAt: current.startsAt,
        now: input.now ?? new Date(),
        policy: current,
      }).refundFen,
    );
  }
  if (rule.refund === 'resolution') refundFen = input.refundFen ?? remaining;
  if (refundFen < 0 || refundFen > remaining || !Number.isInteger(refundFen)) {
    throw new Conflict(
      'refund_exceeds_payment',
      `A refund of ${refundFen} fen exceeds the ${remaining} fen left`,
    );
  }

  const set = columnsFor(input.action, rule.to, input.timers, current.order);
  if (refundFen > 0) set.refundFen = sql`${orders.refundFen} + ${refundFen}`;
  const [order] = await tx
    .update(orders)
    .set({ ...set, status: rule.to })
    .where(
      and(
        eq(orders.id, input.orderId),
        inArray(orders.status, [...rule.from]),
        ownedBy(input.actor),
        timeGuard(input.action),
      ),
    )
    .returning();
  if (!order) throw refusal(input.action, current.order, current.startsAt);

  await writeOrderEvent(tx, {
    orderId: order.id,
    actor: input.actor,
    from,
    to: rule.to,
    reason: input.reason,
  });

  if (rule.releasesCapacity) {
    await tx
      .update(slots)
      .set({ booked: sql`${slots.booked} - ${order.seats}` })
      .where(eq(slots.id, order.slotId));
  }
  let latest = order;
  if (input.action === 'pay') {
    latest = await recordPayment(tx, order, input.paymentCreatedAt, input.paymentMoney ?? null);
  }
  if (refundFen > 0) await recordRefund(tx, latest, refundFen, input.action);
  // What is left of a paid order's money is earned when it is confirmed, or when it closes
  // keeping something (a late-cancellation fee, a partial refund after a dispute).
  if (
    rule.to === 'confirmed' ||
    ((rule.to === 'cancelled' || rule.to === 'refunded') && order.paidAt)
  ) {
    await recordEarning(tx, latest);
  }
  if (input.action === 'pay' && order.acceptDueAt) {
    await enqueue(tx, {
      queue: QUEUES.orderTimers,
      name: TIMER_JOBS.acceptanceSla,
      payload: { orderId: order.id },
      runAt: order.acceptDueAt,
    });
  }
  if (input.action === 'pay' && order.arriveDueAt) {
    await enqueue(tx, {
      queue: QUEUES.orderTimers,
      name: TIMER_JOBS.arrivalSla,
      payload: { orderId: order.id },
      runAt: order.arriveDueAt,
    });
  }
  if (input.action === 'slaReject') await recordSlaBreach(tx, order.id, 'accept');
  if (input.action === 'complete' && order.autoConfirmAt) {
    await enqueue(tx, {
      queue: QUEUES.orderTimers,
      name: TIMER_JOBS.autoConfirm,
      payload: { orderId: order.id },
      runAt: order.autoConfirmAt,
    });
  }
  return { order, from, refundFen };
}

const quoted = (value: string) => sql.raw(`'${value}'`);

/**
 * `settle`, set-based: the two CTEs (`settled`, `events`) of the settlement statement that move
 * every order of the CTE `orders` (columns id, merchant_id, status) into its merchant's statement
 * from the CTE `statements` (columns id, merchant_id), taking states and actor from the `settle`
 * rule of the one table. An order already settled is left alone; one outside the rule's from-states
 * (refunded, cancelled with a fee kept) is marked settled without a status change. One statement
 * for any number of orders, so a settlement run stays one set-based statement.
 */
export function settleOrdersSetBased(from: { orders: string; statements: string }): SQL {
  const rule = ORDER_ACTIONS.settle;
  const fromStates = sql.join(rule.from.map(quoted), sql`, `);
  const to = quoted(rule.to);
  const eligible = sql.identifier(from.orders);
  const statementsOf = sql.identifier(from.statements);
  return sql`settled AS (
        UPDATE orders o
           SET settled_at = now(), updated_at = now(),
               status = CASE WHEN o.status IN (${fromStates}) THEN ${to}::order_status ELSE o.status END
          FROM ${eligible} e
         WHERE o.id = e.id AND o.settled_at IS NULL
      ), events AS (
        INSERT INTO order_events (order_id, actor_kind, from_status, to_status, reason)
        SELECT e.id, ${quoted(rule.by)}, e.status, ${to}, 'statement ' || st.id
          FROM ${eligible} e JOIN ${statementsOf} st USING (merchant_id)
         WHERE e.status IN (${fromStates})
      )`;
}

function describeKind(kind: ActorKind): string {
  return {
    resident: 'the resident',
    merchant: 'the merchant',
    property_ops: 'property operations',
    system: 'the system',
  }[kind];
}
