import {
  dishes,
  merchants,
  orderEvents,
  orderItems,
  orders,
  outbox,
  serviceCommunities,
  services,
  preparedSql,
  rowOf,
  slots,
  type Db,
  type DbOrTx,
} from '@cgp/db';
import { and, eq, sql } from 'drizzle-orm';
import { BadRequest, Conflict, isUniqueViolation, NotFound } from '../../errors';
import type { ResidentActor } from '../identity/actor';
import { QUEUES, TIMER_JOBS } from '../outbox/queues';
import { orderLineJson, type OrderLine } from '../orders/order-lines';
import { orderView, orderViewById } from '../orders/order-view';
import type { OrderTimers } from '../orders/transition';
import { familyMemberOf } from '../household/family.service';
import { cartRefusal } from '../menu/cart';
import type { CreateBookingInput } from './booking.schema';

/** The unique index that makes an idempotency key good for one order per resident. */
const IDEMPOTENCY_CONSTRAINT = 'orders_resident_idempotency_uq';

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

const p = (name: string) => sql.placeholder(name);

/**
 * The whole booking in one statement, so it commits whole or not at all and holds the slot's row
 * lock for that one round trip only: the service behind the slot if this resident may book it
 * (`offer`), the order this idempotency key already made (`earlier`), then — only when there is
 * none and the service takes the quantity and details asked for — the guarded capacity UPDATE
 * (`taken`, which can never oversell), the order, its first event and its payment timer. It
 * always returns one row saying what it found and what it placed.
 */
export const bookingStatement = sql`
  WITH offer AS (
    SELECT sv.*, m.name AS merchant_name,
           (extract(epoch FROM s.ends_at - s.starts_at) / 60)::int AS slot_minutes
      FROM ${slots} s
      JOIN ${services} sv ON sv.id = s.service_id
      JOIN ${merchants} m ON m.id = sv.merchant_id
     WHERE s.id = ${p('slotId')}::uuid AND sv.active AND m.status = 'approved'
       AND EXISTS (SELECT 1 FROM ${serviceCommunities} sc
                    WHERE sc.service_id = sv.id AND sc.community_id = ${p('communityId')}::uuid)
  ), earlier AS (
    SELECT id, slot_id, quantity FROM ${orders}
     WHERE resident_id = ${p('residentId')}::uuid AND idempotency_key = ${p('idempotencyKey')}::text
  ), cart AS (
    -- A meal cart's lines: dishes on this service's menu that can be ordered, at today's prices.
    SELECT d.id AS dish_id, d.name_zh, d.name_en, d.price_fen, line.position,
           (line.item->>'quantity')::int AS quantity
      FROM jsonb_array_elements(coalesce(${p('items')}::jsonb, '[]'::jsonb))
             WITH ORDINALITY AS line(item, position)
      JOIN ${dishes} d ON d.id = (line.item->>'dishId')::uuid
     WHERE d.service_id = (SELECT id FROM offer) AND d.available AND d.removed_at IS NULL
  ), basket AS (
    SELECT count(*)::int AS lines, coalesce(sum(quantity), 0)::int AS portions,
           coalesce(sum(price_fen * quantity), 0)::bigint AS total_fen
      FROM cart
  ), wanted AS (
    -- Capacity units: every meal counts for meal delivery; otherwise one visit.
    SELECT offer.*, basket.total_fen AS cart_total_fen,
           CASE WHEN category = 'meal_delivery' THEN ${p('quantity')}::int ELSE 1 END AS seats
      FROM offer, basket
     WHERE NOT EXISTS (SELECT 1 FROM earlier)
       AND ${p('quantity')}::int BETWEEN min_quantity AND max_quantity
       -- A menu is ordered by the cart, every line of it, portions adding up to the quantity.
       AND CASE WHEN ${p('items')}::jsonb IS NULL
             THEN NOT EXISTS (SELECT 1 FROM ${dishes} d
                               WHERE d.service_id = offer.id AND d.removed_at IS NULL)
             ELSE category = 'meal_delivery'
                  AND basket.lines = jsonb_array_length(${p('items')}::jsonb)
                  AND basket.portions = ${p('quantity')}::int
           END
       -- Hours booked fit in the slot: a 2-hour slot sells at most 2 hours.
       AND (pricing_unit <> 'per_hour' OR category = 'meal_delivery'
            OR ${p('quantity')}::int * 60 <= slot_minutes)
       AND (category <> 'temporary_care' OR ${p('careRecipient')}::jsonb IS NOT NULL)
  ), taken AS (
    UPDATE ${slots} SET booked = booked + wanted.seats
      FROM wanted
     WHERE slots.id = ${p('slotId')}::uuid AND booked + wanted.seats <= capacity AND NOT closed
       AND starts_at > now() + make_interval(mins => wanted.booking_cutoff_minutes)
    RETURNING slots.id, slots.starts_at, slots.ends_at
  ), placed AS (
    INSERT INTO ${orders} (resident_id, unit_id, community_id, address_snapshot, merchant_id,
      service_id, slot_id, category, quantity, seats, unit_price_fen, total_fen, notes, allergies,
      care_recipient, family_member_id, idempotency_key, payment_due_at)
    SELECT ${p('residentId')}::uuid, ${p('unitId')}::uuid, ${p('communityId')}::uuid,
      ${p('address')}::text, wanted.merchant_id, wanted.id, taken.id, wanted.category,
      ${p('quantity')}::int, wanted.seats,
      CASE WHEN ${p('items')}::jsonb IS NULL THEN wanted.price_fen END,
      CASE WHEN ${p('items')}::jsonb IS NULL THEN wanted.price_fen * ${p('quantity')}::int
           ELSE wanted.cart_total_fen END,
      ${p('notes')}::text,
      CASE WHEN wanted.category = 'meal_delivery' THEN ${p('allergies')}::text ELSE '' END,
      CASE WHEN wanted.category = 'temporary_care' THEN ${p('careRecipient')}::jsonb END,
      ${p('familyMemberId')}::uuid,
      ${p('idempotencyKey')}::text, now() + make_interval(secs => ${p('paymentTimeoutSeconds')}::int)
      FROM taken, wanted
    RETURNING *
  ), lined AS (
    INSERT INTO ${orderItems} (order_id, dish_id, position, name_zh, name_en, unit_price_fen,
      quantity, line_total_fen)
    SELECT placed.id, cart.dish_id, cart.position, cart.name_zh, cart.name_en, cart.price_fen,
           cart.quantity, cart.price_fen * cart.quantity
      FROM placed, cart
    RETURNING *
  ), logged AS (
    INSERT INTO ${orderEvents} (order_id, actor_kind, actor_id, from_status, to_status, reason)
    SELECT id, 'resident', ${p('residentId')}::uuid, NULL, 'pending_payment', 'booked' FROM placed
  ), timed AS (
    INSERT INTO ${outbox} (queue, name, payload, run_at)
    SELECT ${QUEUES.orderTimers}, ${TIMER_JOBS.paymentExpiry}, jsonb_build_object('orderId', id),
           payment_due_at
      FROM placed
  )
  SELECT (SELECT row_to_json(offer) FROM offer) AS offer,
         (SELECT row_to_json(earlier) FROM earlier) AS earlier,
         (SELECT row_to_json(placed) FROM placed) AS placed,
         (SELECT json_agg(${orderLineJson} ORDER BY oi.position) FROM lined oi) AS lines,
         (SELECT row_to_json(taken) FROM taken) AS slot`;

/** `bookingStatement` as a named prepared statement. */
export const placeBooking = preparedSql<{
  offer: Record<string, unknown> | null;
  earlier: { id: string; slot_id: string; quantity: number } | null;
  placed: Record<string, unknown> | null;
  lines: OrderLine[] | null;
  slot: { starts_at: string; ends_at: string } | null;
}>('booking_place', bookingStatement);

async function replay(
  db: Db,
  earlier: { id: string; slotId: string; quantity: number },
  input: CreateBookingInput,
) {
  const { orderId } = replayOf(earlier, input);
  const order = await orderViewById(db, orderId);
  // The same key for another cart of as many portions is another booking, not a retry.
  const cart = (lines: readonly { dishId: string; quantity: number }[] | undefined) =>
    (lines ?? [])
      .map((l) => `${l.dishId}×${l.quantity}`)
      .sort()
      .join(',');
  if (cart(order.lines) !== cart(input.items)) {
    throw new Conflict(
      'idempotency_key_reused',
      'This idempotency key was already used for a different booking',
    );
  }
  return { ...order, replayed: true };
}

/** A visit sold by the hour (housekeeping, care): its hours must fit in the slot. */
const bookedByTheHour = (service: typeof services.$inferSelect) =>
  service.pricingUnit === 'per_hour' && service.category !== 'meal_delivery';

/** Why the service refused the booking as asked, if it did. */
function refusal(
  service: typeof services.$inferSelect,
  input: CreateBookingInput,
  slotMinutes: number,
) {
  if (input.quantity < service.minQuantity || input.quantity > service.maxQuantity) {
    return new BadRequest(
      'quantity_out_of_range',
      `Quantity must be between ${service.minQuantity} and ${service.maxQuantity}`,
      { min: service.minQuantity, max: service.maxQuantity },
    );
  }
  if (service.category === 'temporary_care' && !input.careRecipient) {
    return new BadRequest('care_recipient_required', 'Tell us who will be cared for');
  }
  const hoursInSlot = Math.floor(slotMinutes / 60);
  if (bookedByTheHour(service) && input.quantity > hoursInSlot) {
    return new BadRequest(
      'quantity_exceeds_slot',
      `This time slot holds at most ${hoursInSlot} hours`,
      { field: 'quantity', max: hoursInSlot },
    );
  }
  return null;
}

/**
 * `booking.create` (SPEC §3): the order as `order.get` shows it, and whether an earlier request
 * with the same idempotency key made it. One statement (`placeBooking`) after the session's; a
 * repeated key returns the order it made the first time — found by the statement, or, when two
 * requests with the same key race, by the unique index refusing the second order (its whole
 * statement, capacity included, is undone). Only refusals read more.
 */
export async function createBooking(
  db: Db,
  actor: ResidentActor,
  input: CreateBookingInput,
  timers: OrderTimers,
) {
  let outcome: Awaited<ReturnType<typeof placeBooking>>[number] | undefined;
  // 家人代订: served at the family member's unit (their own entry, in this community).
  const member = input.familyMemberId
    ? await familyMemberOf(db, actor, input.familyMemberId)
    : null;
  const careRecipient =
    input.careRecipient ??
    (member ? { name: member.name, age: member.age, needs: member.needs } : undefined);
  try {
    [outcome] = await placeBooking(db, {
      slotId: input.slotId,
      communityId: actor.communityId,
      residentId: actor.id,
      unitId: member?.unitId ?? actor.unitId,
      address: member?.address ?? actor.address ?? '',
      familyMemberId: member?.id ?? null,
      idempotencyKey: input.idempotencyKey,
      quantity: input.quantity,
      notes: input.notes ?? '',
      allergies: input.allergies ?? '',
      careRecipient: careRecipient ? JSON.stringify(careRecipient) : null,
      items: input.items ? JSON.stringify(input.items) : null,
      paymentTimeoutSeconds: timers.paymentTimeoutSeconds,
    });
  } catch (error) {
    if (!isUniqueViolation(error, IDEMPOTENCY_CONSTRAINT)) throw error;
  }
  const earlier = outcome?.earlier
    ? {
        id: outcome.earlier.id,
        slotId: outcome.earlier.slot_id,
        quantity: outcome.earlier.quantity,
      }
    : outcome
      ? null
      : await findByKey(db, actor.id, input.idempotencyKey);
  if (earlier) return replay(db, earlier, input);
  if (!outcome?.offer) throw new NotFound('Time slot');
  const service = rowOf(services, outcome.offer);
  const { placed, slot } = outcome;
  if (!placed || !slot) {
    throw (
      refusal(service, { ...input, careRecipient }, Number(outcome.offer.slot_minutes)) ??
      (await cartRefusal(db, service, input.items)) ??
      (await whyNotBookable(db, input.slotId, service.bookingCutoffMinutes))
    );
  }
  // The view is made from what the statement returned: no read-back.
  const view = orderView({
    order: rowOf(orders, placed),
    titleZh: service.titleZh,
    titleEn: service.titleEn,
    pricingUnit: service.pricingUnit,
    freeCancelMinutes: service.freeCancelMinutes,
    lateCancelFeeBps: service.lateCancelFeeBps,
    merchantName: outcome.offer.merchant_name as string,
    residentName: actor.displayName,
    startsAt: new Date(slot.starts_at),
    endsAt: new Date(slot.ends_at),
    rating: null,
    comment: null,
    reviewedAt: null,
    reviewAutomatic: null,
    reviewReply: null,
    reviewPhotoIds: null,
    lines: outcome.lines,
  });
  return { ...view, replayed: false };
}
