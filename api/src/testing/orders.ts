import { orders, slots, type Db } from '@cgp/db';
import { eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { act } from '../modules/orders/order-actions';
import { timersFrom } from '../modules/orders/timers';
import { callerFor, type TestDeps } from './harness';

/** Books a slot as a resident through `booking.create`, with a fresh idempotency key. */
export async function bookSlot(
  deps: TestDeps,
  residentId: string,
  slotId: string,
  input: {
    quantity?: number;
    notes?: string;
    careRecipient?: { name: string; age: number; needs: string };
  } = {},
) {
  const caller = await callerFor(deps, residentId);
  return caller.booking.create({
    slotId,
    quantity: input.quantity ?? 1,
    notes: input.notes,
    careRecipient: input.careRecipient,
    idempotencyKey: randomUUID(),
  });
}

/**
 * Marks an order paid the way the payment webhook will: through the transition function, as the
 * system. Until the payments module lands this is the only way into `paid`.
 */
export function payOrder(deps: TestDeps, orderId: string) {
  return act(deps.db, {
    orderId,
    action: 'pay',
    actor: { kind: 'system' },
    timers: timersFrom(deps.env),
  });
}

/** Test set-up only: puts an order straight into a state, with deadlines as given. */
export async function forceOrderState(
  deps: TestDeps,
  orderId: string,
  status: (typeof orders.$inferSelect)['status'],
  deadlines: {
    paymentDueInSeconds?: number;
    acceptDueInSeconds?: number;
    autoConfirmInSeconds?: number;
  } = {},
) {
  const at = (s: number | undefined) =>
    s === undefined ? undefined : sql`now() + make_interval(secs => ${s})`;
  await deps.db
    .update(orders)
    .set({
      status,
      paymentDueAt: at(deadlines.paymentDueInSeconds),
      acceptDueAt: at(deadlines.acceptDueInSeconds),
      autoConfirmAt: at(deadlines.autoConfirmInSeconds),
    })
    .where(eq(orders.id, orderId));
}

/**
 * Test set-up only: time passes until the slot starts in `minutes` (negative: it has begun), as
 * it must before service can start (SPEC §3: no earlier than 30 minutes before the slot).
 */
export async function slotStartsIn(deps: { db: Db }, slotId: string, minutes: number) {
  await deps.db
    .update(slots)
    .set({
      endsAt: sql`now() + make_interval(mins => ${minutes}) + (${slots.endsAt} - ${slots.startsAt})`,
      startsAt: sql`now() + make_interval(mins => ${minutes})`,
    })
    .where(eq(slots.id, slotId));
}

/** `slotStartsIn` for the slot an order booked. */
export async function orderSlotStartsIn(deps: { db: Db }, orderId: string, minutes: number) {
  const [order] = await deps.db
    .select({ slotId: orders.slotId })
    .from(orders)
    .where(eq(orders.id, orderId));
  if (!order) throw new Error(`no order ${orderId}`);
  await slotStartsIn(deps, order.slotId, minutes);
}
