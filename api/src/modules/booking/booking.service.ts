import {
  buildings,
  communities,
  merchants,
  orderEvents,
  orders,
  outbox,
  serviceCommunities,
  services,
  slots,
  units,
  type Db,
  type Tx,
} from '@cgp/db';
import { and, eq, exists, sql } from 'drizzle-orm';
import { BadRequest, Conflict, NotFound } from '../../errors';
import type { ResidentActor } from '../identity/actor';
import { QUEUES, TIMER_JOBS } from '../outbox/queues';
import type { OrderTimers } from '../orders/transition';
import type { CreateBookingInput } from './booking.schema';

/** Capacity units an order takes: every meal counts for meal delivery; otherwise one visit. */
export function seatsFor(category: string, quantity: number): number {
  return category === 'meal_delivery' ? quantity : 1;
}

async function findByKey(tx: Tx, residentId: string, key: string) {
  const [row] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.residentId, residentId), eq(orders.idempotencyKey, key)))
    .limit(1);
  return row;
}

/** Why a guarded capacity update matched nothing, in words the resident's app can show. */
async function whyNotBookable(tx: Tx, slotId: string, cutoffMinutes: number): Promise<Conflict> {
  const [slot] = await tx
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
 * `booking.create` (SPEC §3): in one transaction, takes capacity with one guarded UPDATE (it can
 * never oversell), inserts the order, its first event and the payment-expiry timer. A repeated
 * idempotency key returns the order it created the first time.
 */
export async function createBooking(
  db: Db,
  actor: ResidentActor,
  input: CreateBookingInput,
  timers: OrderTimers,
) {
  return db.transaction(async (tx) => {
    // Serialise attempts with the same key, so twenty concurrent retries make one order.
    await tx.execute(
      sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${actor.id}:${input.idempotencyKey}`}, 0))`,
    );
    const existing = await findByKey(tx, actor.id, input.idempotencyKey);
    if (existing) {
      if (existing.slotId !== input.slotId || existing.quantity !== input.quantity) {
        throw new Conflict(
          'idempotency_key_reused',
          'This idempotency key was already used for a different booking',
        );
      }
      return { orderId: existing.id, replayed: true };
    }

    // The service behind the slot, if this resident may book it, and the resident's address.
    const [offer] = await tx
      .select({
        service: services,
        address: sql<string>`${communities.name} || ' ' || ${buildings.name} || ' ' || ${units.label}`,
      })
      .from(slots)
      .innerJoin(services, eq(services.id, slots.serviceId))
      .innerJoin(merchants, eq(merchants.id, services.merchantId))
      .innerJoin(units, eq(units.id, actor.unitId))
      .innerJoin(buildings, eq(buildings.id, units.buildingId))
      .innerJoin(communities, eq(communities.id, units.communityId))
      .where(
        and(
          eq(slots.id, input.slotId),
          eq(services.active, true),
          eq(merchants.status, 'approved'),
          exists(
            tx
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
    if (!offer) throw new NotFound('Time slot');
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
    // One statement takes the capacity and writes the order, its first event and its payment
    // timer, so the slot's row lock is held for a single round trip before the commit.
    const { rows } = await tx.execute<{ id: string }>(sql`
      WITH taken AS (
        UPDATE ${slots} SET booked = booked + ${seats}
         WHERE id = ${input.slotId} AND booked + ${seats} <= capacity AND NOT closed
           AND starts_at > now() + make_interval(mins => ${service.bookingCutoffMinutes})
        RETURNING id
      ), placed AS (
        INSERT INTO ${orders} (resident_id, unit_id, community_id, address_snapshot, merchant_id,
          service_id, slot_id, category, quantity, seats, unit_price_fen, total_fen, notes, allergies,
          care_recipient, idempotency_key, payment_due_at)
        SELECT ${actor.id}, ${actor.unitId}, ${actor.communityId}, ${offer.address}, ${service.merchantId},
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
    const placed = rows[0];
    if (!placed) throw await whyNotBookable(tx, input.slotId, service.bookingCutoffMinutes);
    return { orderId: placed.id, replayed: false };
  });
}
