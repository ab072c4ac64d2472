import {
  merchants,
  orderEvents,
  orders,
  outbox,
  serviceCommunities,
  services,
  slots,
  type Db,
  type DbOrTx,
} from '@cgp/db';
import { and, eq, exists, sql } from 'drizzle-orm';
import { BadRequest, Conflict, isUniqueViolation, NotFound } from '../../errors';
import type { ResidentActor } from '../identity/actor';
import { QUEUES, TIMER_JOBS } from '../outbox/queues';
import type { OrderTimers } from '../orders/transition';
import type { CreateBookingInput } from './booking.schema';

/** The unique index that makes an idempotency key good for one order per resident. */
const IDEMPOTENCY_CONSTRAINT = 'orders_resident_idempotency_uq';

/** Capacity units an order takes: every meal counts for meal delivery; otherwise one visit. */
export function seatsFor(category: string, quantity: number): number {
  return category === 'meal_delivery' ? quantity : 1;
}

async function findByKey(db: DbOrTx, residentId: string, key: string) {
  const [row] = await db
    .select({ id: orders.id, slotId: orders.slotId, quantity: orders.quantity })
    .from(orders)
    .where(and(eq(orders.residentId, residentId), eq(orders.idempotencyKey, key)))
    .limit(1);
  return row;
}

/** The order a repeated idempotency key made, if this request asks for the same booking. */
function replayOf(
  existing: { id: string; slotId: string; quantity: number },
  input: CreateBookingInput,
) {
  if (existing.slotId !== input.slotId || existing.quantity !== input.quantity) {
    throw new Conflict(
      'idempotency_key_reused',
      'This idempotency key was already used for a different booking',
    );
  }
  return { orderId: existing.id, replayed: true };
}

/** Why a guarded capacity update matched nothing, in words the resident's app can show. */
async function whyNotBookable(
  db: DbOrTx,
  slotId: string,
  cutoffMinutes: number,
): Promise<Conflict> {
  const [slot] = await db
    .select({
      closed: slots.closed,
      capacity: slots.capacity,
      booked: slots.booked,
      tooLate: sql<boolean>`${slots.startsAt} <= now() + make_interval(mins => ${cutoffMinutes})`,
    })
    .from(slots)
    .where(eq(slots.id, slotId));
  if (slot?.closed) return new Conflict('slot_closed', 'This time slot is closed');
  if (slot?.tooLate) return new Conflict('booking_closed', 'Booking for this time slot has closed');
  return new Conflict('slot_full', 'This time slot is fully booked', {
    remaining: slot ? slot.capacity - slot.booked : 0,
  });
}

/**
 * `booking.create` (SPEC §3). One guarded statement takes the capacity (it can never oversell) and
 * writes the order, its first event and the payment-expiry timer: it commits whole or not at all,
 * and holds the slot's row lock for that one round trip only. A repeated idempotency key returns
 * the order it made the first time: found up front with the offer, or — when two requests with
 * the same key race — by the unique index refusing the second order.
 */
export async function createBooking(
  db: Db,
  actor: ResidentActor,
  input: CreateBookingInput,
  timers: OrderTimers,
) {
  // The service behind the slot, if this resident may book it, and the order this idempotency
  // key already made, if any.
  const [offer] = await db
    .select({
      service: services,
      existing: { id: orders.id, slotId: orders.slotId, quantity: orders.quantity },
    })
    .from(slots)
    .innerJoin(services, eq(services.id, slots.serviceId))
    .innerJoin(merchants, eq(merchants.id, services.merchantId))
    .leftJoin(
      orders,
      and(eq(orders.residentId, actor.id), eq(orders.idempotencyKey, input.idempotencyKey)),
    )
    .where(
      and(
        eq(slots.id, input.slotId),
        eq(services.active, true),
        eq(merchants.status, 'approved'),
        exists(
          db
            .select({ one: sql`1` })
            .from(serviceCommunities)
            .where(
              and(
                eq(serviceCommunities.serviceId, services.id),
                eq(serviceCommunities.communityId, actor.communityId),
              ),
            ),
        ),
      ),
    );
  if (offer?.existing) return replayOf(offer.existing, input);
  if (!offer) {
    // A replay may name a slot that has since become unbookable, or another slot entirely.
    const existing = await findByKey(db, actor.id, input.idempotencyKey);
    if (existing) return replayOf(existing, input);
    throw new NotFound('Time slot');
  }
  const { service } = offer;
  if (input.quantity < service.minQuantity || input.quantity > service.maxQuantity) {
    throw new BadRequest(
      'quantity_out_of_range',
      `Quantity must be between ${service.minQuantity} and ${service.maxQuantity}`,
      { min: service.minQuantity, max: service.maxQuantity },
    );
  }
  if (service.category === 'temporary_care' && !input.careRecipient) {
    throw new BadRequest('care_recipient_required', 'Tell us who will be cared for');
  }

  const seats = seatsFor(service.category, input.quantity);
  let placed: { id: string } | undefined;
  try {
    const { rows } = await db.execute<{ id: string }>(sql`
      WITH taken AS (
        UPDATE ${slots} SET booked = booked + ${seats}
         WHERE id = ${input.slotId} AND booked + ${seats} <= capacity AND NOT closed
           AND starts_at > now() + make_interval(mins => ${service.bookingCutoffMinutes})
        RETURNING id
      ), placed AS (
        INSERT INTO ${orders} (resident_id, unit_id, community_id, address_snapshot, merchant_id,
          service_id, slot_id, category, quantity, seats, unit_price_fen, total_fen, notes, allergies,
          care_recipient, idempotency_key, payment_due_at)
        SELECT ${actor.id}, ${actor.unitId}, ${actor.communityId}, ${actor.address ?? ''}, ${service.merchantId},
          ${service.id}, taken.id, ${service.category}, ${input.quantity}, ${seats}, ${service.priceFen},
          ${service.priceFen * input.quantity}, ${input.notes ?? ''},
          ${service.category === 'meal_delivery' ? (input.allergies ?? '') : ''},
          ${service.category === 'temporary_care' ? JSON.stringify(input.careRecipient) : null}::jsonb,
          ${input.idempotencyKey}, now() + make_interval(secs => ${timers.paymentTimeoutSeconds})
          FROM taken
        RETURNING id, payment_due_at
      ), logged AS (
        INSERT INTO ${orderEvents} (order_id, actor_kind, actor_id, from_status, to_status, reason)
        SELECT id, 'resident', ${actor.id}, NULL, 'pending_payment', 'booked' FROM placed
      ), timed AS (
        INSERT INTO ${outbox} (queue, name, payload, run_at)
        SELECT ${QUEUES.orderTimers}, ${TIMER_JOBS.paymentExpiry}, jsonb_build_object('orderId', id),
               payment_due_at
          FROM placed
      )
      SELECT id FROM placed`);
    placed = rows[0];
  } catch (error) {
    // Another request with this key committed its order first; the whole statement (capacity
    // included) was undone, and that order is the answer.
    if (!isUniqueViolation(error, IDEMPOTENCY_CONSTRAINT)) throw error;
  }
  if (placed) return { orderId: placed.id, replayed: false };
  const existing = await findByKey(db, actor.id, input.idempotencyKey);
  if (existing) return replayOf(existing, input);
  throw await whyNotBookable(db, input.slotId, service.bookingCutoffMinutes);
}
