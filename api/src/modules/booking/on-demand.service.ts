import {
  buildings,
  merchants,
  orderEvents,
  orders,
  outbox,
  serviceCommunities,
  services,
  slots,
  units,
  users,
  workers,
  type Db,
} from '@cgp/db';
import { and, eq, sql } from 'drizzle-orm';
import { BadRequest, Conflict, isUniqueViolation, NotFound } from '../../errors';
import { RING_SLA, type ServiceRing } from '../delivery/service-circle';
import { holdingStatusList } from '../delivery/workers.service';
import type { ResidentActor } from '../identity/actor';
import { QUEUES, TIMER_JOBS } from '../outbox/queues';
import { orderViewById } from '../orders/order-view';
import type { OrderTimers } from '../orders/transition';
import type { OnDemandBookingInput } from './booking.schema';

const IDEMPOTENCY_CONSTRAINT = 'orders_resident_idempotency_uq';
const OVERLAP_CONSTRAINT = 'orders_worker_no_overlap_ex';

const isOverlap = (error: unknown) => {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const pg = e as { code?: unknown; constraint?: unknown };
    if (pg.code === '23P01' && pg.constraint === OVERLAP_CONSTRAINT) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
};

export const noWorkerAvailable = () =>
  new Conflict(
    'no_worker_available',
    'No one is available right now; please try again shortly or book a time slot',
  );

type OfferedService = Pick<
  typeof services.$inferSelect,
  'merchantId' | 'category' | 'pricingUnit' | 'durationMinutes'
>;

/** How long a worker is held: until the ring's arrival deadline plus the service's length. */
function holdMinutesFor(service: OfferedService, ring: ServiceRing, quantity: number) {
  const serviceMinutes =
    service.pricingUnit === 'per_hour' ? quantity * 60 : service.durationMinutes;
  return RING_SLA[ring].arriveMinutes + serviceMinutes;
}

/**
 * A worker `w` who could take the service now: the merchant's, active, of its kind, and holding
 * no order that overlaps `period.span`. One rule for booking and for the offer shown before it.
 */
function freeWorkerCondition(service: OfferedService) {
  return sql`w.merchant_id = ${service.merchantId}::uuid AND w.active
         AND ${service.category}::service_category = ANY (w.categories)
         AND NOT EXISTS (SELECT 1 FROM ${orders} x
                          WHERE x.worker_id = w.id AND x.status IN ${holdingStatusList}
                            AND x.service_period && period.span)`;
}

/**
 * The on-demand booking in one statement: the merchant's active worker of the service's kind who is
 * free from now until the arrival deadline plus the service's length and has the fewest open
 * orders, locked (`SKIP LOCKED`, so parallel bookings take different workers or none); the time
 * they are held for as the order's own slot; the order, held by that worker, with its events and
 * payment timer. No free worker, no rows. The exclusion constraint refuses a worker twice over.
 */
function onDemandStatement(p: {
  service: typeof services.$inferSelect;
  actor: ResidentActor;
  input: OnDemandBookingInput;
  ring: ServiceRing;
  timers: OrderTimers;
}) {
  const { service, actor, input } = p;
  const holdMinutes = holdMinutesFor(service, p.ring, input.quantity);
  const seats = service.category === 'meal_delivery' ? input.quantity : 1;
  return sql`
    WITH period AS (
      SELECT tstzrange(now(), now() + make_interval(mins => ${holdMinutes}::int)) AS span
    ), pick AS (
      SELECT w.id, u.display_name AS name FROM ${workers} w JOIN ${users} u ON u.id = w.user_id, period
       WHERE ${freeWorkerCondition(service)}
       ORDER BY (SELECT count(*) FROM ${orders} x
                  WHERE x.worker_id = w.id AND x.status IN ${holdingStatusList}), w.created_at, w.id
       LIMIT 1
       FOR UPDATE OF w SKIP LOCKED
    ), slot AS (
      INSERT INTO ${slots} (service_id, starts_at, ends_at, capacity, booked, closed, on_demand)
      SELECT ${service.id}::uuid, lower(period.span), upper(period.span), ${seats}::int, ${seats}::int, true, true
        FROM pick, period
      RETURNING id, starts_at, ends_at
    ), placed AS (
      INSERT INTO ${orders} (resident_id, unit_id, community_id, address_snapshot, merchant_id,
        service_id, slot_id, category, quantity, seats, unit_price_fen, total_fen, notes,
        care_recipient, idempotency_key, payment_due_at, mode, ring, worker_id, service_period)
      SELECT ${actor.id}::uuid, ${actor.unitId}::uuid, ${actor.communityId}::uuid,
        ${actor.address ?? ''}::text, ${service.merchantId}::uuid, ${service.id}::uuid, slot.id,
        ${service.category}::service_category, ${input.quantity}::int, ${seats}::int,
        ${service.priceFen}::bigint, ${service.priceFen * input.quantity}::bigint,
        ${input.notes ?? ''}::text,
        ${service.category === 'temporary_care' && input.careRecipient ? JSON.stringify(input.careRecipient) : null}::jsonb,
        ${input.idempotencyKey}::text,
        now() + make_interval(secs => ${p.timers.paymentTimeoutSeconds}::int),
        'on_demand', ${p.ring}::service_ring, pick.id, tstzrange(slot.starts_at, slot.ends_at)
        FROM slot, pick
      RETURNING id, payment_due_at, worker_id
    ), logged AS (
      INSERT INTO ${orderEvents} (order_id, actor_kind, actor_id, kind, from_status, to_status, reason, detail)
      SELECT id, 'resident'::order_actor_kind, ${actor.id}::uuid, 'status'::order_event_kind, NULL::order_status,
             'pending_payment'::order_status, 'booked on demand', NULL::jsonb
        FROM placed
      UNION ALL
      SELECT placed.id, 'system', NULL, 'assign', 'pending_payment', 'pending_payment', 'dispatched',
             jsonb_build_object('workerId', pick.id, 'workerName', pick.name, 'auto', true)
        FROM placed, pick
    ), timed AS (
      INSERT INTO ${outbox} (queue, name, payload, run_at)
      SELECT ${QUEUES.orderTimers}, ${TIMER_JOBS.paymentExpiry}, jsonb_build_object('orderId', id),
             payment_due_at
        FROM placed
    )
    SELECT id FROM placed`;
}

/**
 * The service as offered on demand to this resident, with the ring of the resident's building.
 * NOT_FOUND when the resident cannot book it at all; BAD_REQUEST when it is booked by time slot.
 */
async function onDemandServiceFor(db: Db, actor: ResidentActor, serviceId: string) {
  const [offer] = await db
    .select({ service: services, ring: buildings.ring })
    .from(services)
    .innerJoin(merchants, eq(merchants.id, services.merchantId))
    .innerJoin(
      serviceCommunities,
      and(
        eq(serviceCommunities.serviceId, services.id),
        eq(serviceCommunities.communityId, actor.communityId),
      ),
    )
    .innerJoin(units, eq(units.id, actor.unitId))
    .innerJoin(buildings, eq(buildings.id, units.buildingId))
    .where(
      and(
        eq(services.id, serviceId),
        eq(services.active, true),
        eq(merchants.status, 'approved'),
      ),
    );
  if (!offer) throw new NotFound('Service');
  const { service, ring } = offer;
  if (!service.onDemand) {
    throw new BadRequest('not_on_demand', 'This service is booked by time slot, not on demand');
  }
  return { service, ring };
}

/**
 * What 立即上门 promises this resident before they book: their building's ring, its deadlines for
 * acceptance and arrival (minutes from payment), and whether a worker is free right now. The same
 * rule the booking itself applies, read without holding anyone, so it can change by the time the
 * resident confirms; the booking then says so.
 */
export async function onDemandOffer(
  db: Db,
  actor: ResidentActor,
  input: { serviceId: string; quantity?: number | undefined },
) {
  const { service, ring } = await onDemandServiceFor(db, actor, input.serviceId);
  const quantity = Math.min(
    Math.max(input.quantity ?? service.minQuantity, service.minQuantity),
    service.maxQuantity,
  );
  const holdMinutes = holdMinutesFor(service, ring, quantity);
  const { rows } = await db.execute<{ free: number }>(sql`
    WITH period AS (
      SELECT tstzrange(now(), now() + make_interval(mins => ${holdMinutes}::int)) AS span
    )
    SELECT count(*)::int AS free FROM ${workers} w, period WHERE ${freeWorkerCondition(service)}`);
  return {
    ring,
    acceptMinutes: RING_SLA[ring].acceptMinutes,
    arriveMinutes: RING_SLA[ring].arriveMinutes,
    available: (rows[0]?.free ?? 0) > 0,
  };
}

/**
 * `booking.create` with `mode: 'on_demand'` (立即上门, SPEC §12): served now by whichever of the
 * merchant's workers is free, with the SLA of the resident's building's ring. Capacity is the
 * merchant's free workers at this moment; when there are none the resident is told so (CONFLICT
 * `no_worker_available`) and nothing is written. Idempotent per client key like slot bookings.
 */
export async function createOnDemandBooking(
  db: Db,
  actor: ResidentActor,
  input: OnDemandBookingInput,
  timers: OrderTimers,
) {
  const earlier = async () => {
    const [row] = await db
      .select({ id: orders.id, serviceId: orders.serviceId, mode: orders.mode })
      .from(orders)
      .where(and(eq(orders.residentId, actor.id), eq(orders.idempotencyKey, input.idempotencyKey)));
    if (!row) return null;
    if (row.serviceId !== input.serviceId || row.mode !== 'on_demand') {
      throw new Conflict(
        'idempotency_key_reused',
        'This idempotency key was already used for a different booking',
      );
    }
    return { ...(await orderViewById(db, row.id)), replayed: true };
  };
  const replay = await earlier();
  if (replay) return replay;

  const { service, ring } = await onDemandServiceFor(db, actor, input.serviceId);
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

  const statement = onDemandStatement({ service, actor, input, ring, timers });
  // A worker freed by a commit the statement's snapshot missed can meet the exclusion constraint;
  // the next attempt sees it as it is.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const { rows } = await db.execute<{ id: string }>(statement);
      if (!rows[0]) throw noWorkerAvailable();
      return { ...(await orderViewById(db, rows[0].id)), replayed: false };
    } catch (error) {
      if (isUniqueViolation(error, IDEMPOTENCY_CONSTRAINT)) {
        const again = await earlier();
        if (again) return again;
      }
      if (!isOverlap(error)) throw error;
    }
  }
  throw noWorkerAvailable();
}
