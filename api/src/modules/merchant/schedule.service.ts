import { services, slots, type Db, type DbOrTx } from '@cgp/db';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { BadRequest, Conflict, NotFound } from '../../errors';
import type { MerchantActor } from '../identity/actor';
import { addDays, businessDateOf } from './business-date';
import type { closeDayInput, setSlotCapacityInput, slotTemplateInput } from './merchant.schema';

type SlotTemplate = z.infer<typeof slotTemplateInput>;

/** How far ahead a template may start. */
const MAX_START_DAYS_AHEAD = 365;

/**
 * Checks the service is the caller's merchant's; inside a transaction, `lock` holds it against a
 * concurrent template or day closing (bookings only take a key-share lock, so they go on).
 */
async function ownService(db: DbOrTx, actor: MerchantActor, serviceId: string, lock = false) {
  const query = db
    .select({ id: services.id })
    .from(services)
    .where(and(eq(services.id, serviceId), eq(services.merchantId, actor.merchantId)));
  const [row] = lock ? await query.for('no key update') : await query;
  if (!row) throw new NotFound('Service');
}

/** The first day a template covers: `startDate`, or tomorrow; never in the past or too far out. */
function firstDayOf(template: SlotTemplate, timeZone: string, now: Date): string {
  const today = businessDateOf(now, timeZone);
  const first = template.startDate ?? addDays(today, 1);
  if (first < today || first > addDays(today, MAX_START_DAYS_AHEAD)) {
    throw new BadRequest(
      'start_date_out_of_range',
      `The template must start between today and ${MAX_START_DAYS_AHEAD} days from now`,
    );
  }
  return first;
}

/**
 * Every future slot a template describes, as rows (starts_at, ends_at, capacity, exists): the
 * weekdays of `weeks` weeks from the first day, crossed with the day's ranges, read as wall-clock
 * times in the business zone.
 */
function templateSlots(template: SlotTemplate, firstDay: string, timeZone: string): SQL {
  const ranges = JSON.stringify(
    template.ranges.map((r) => ({ s: r.start, e: r.end, c: r.capacity })),
  );
  return sql`
    SELECT c.starts_at, c.ends_at, c.capacity,
           EXISTS (SELECT 1 FROM ${slots} s
                    WHERE s.service_id = ${template.serviceId}::uuid
                      AND s.starts_at = c.starts_at AND NOT s.on_demand) AS exists
      FROM (SELECT ((${firstDay}::date + n) + r.s::time) AT TIME ZONE ${timeZone} AS starts_at,
                   ((${firstDay}::date + n) + r.e::time) AT TIME ZONE ${timeZone} AS ends_at,
                   r.c AS capacity
              FROM generate_series(0, ${template.weeks * 7 - 1}::int) AS n
             CROSS JOIN jsonb_to_recordset(${ranges}::jsonb) AS r(s text, e text, c int)
             WHERE extract(isodow FROM ${firstDay}::date + n)::int
                   IN (SELECT jsonb_array_elements_text(${JSON.stringify(template.weekdays)}::jsonb)::int)
           ) AS c
     WHERE c.starts_at > now()`;
}

/** What applying a template would do: the slots it describes and how many already exist. */
export async function previewSlotTemplate(
  db: Db,
  actor: MerchantActor,
  template: SlotTemplate,
  timeZone: string,
) {
  const firstDay = firstDayOf(template, timeZone, new Date());
  await ownService(db, actor, template.serviceId);
  const { rows } = await db.execute<{ total: number; existing: number }>(sql`
    SELECT count(*)::int AS total, count(*) FILTER (WHERE t.exists)::int AS existing
      FROM (${templateSlots(template, firstDay, timeZone)}) AS t`);
  const { total, existing } = rows[0]!;
  return {
    firstDay,
    lastDay: addDays(firstDay, template.weeks * 7 - 1),
    total,
    existing,
    toCreate: total - existing,
  };
}

/**
 * Creates a template's slots in one set-based INSERT. Slots that already start at the same time
 * are skipped, so applying the same template twice creates nothing the second time.
 */
export async function applySlotTemplate(
  db: Db,
  actor: MerchantActor,
  template: SlotTemplate,
  timeZone: string,
) {
  const firstDay = firstDayOf(template, timeZone, new Date());
  return db.transaction(async (tx) => {
    await ownService(tx, actor, template.serviceId, true);
    const { rows } = await tx.execute<{ created: number; skipped: number }>(sql`
      WITH wanted AS (${templateSlots(template, firstDay, timeZone)}),
           inserted AS (
             INSERT INTO ${slots} (service_id, starts_at, ends_at, capacity)
             SELECT ${template.serviceId}::uuid, starts_at, ends_at, capacity
               FROM wanted WHERE NOT wanted.exists
             RETURNING 1)
      SELECT (SELECT count(*) FROM inserted)::int AS created,
             (SELECT count(*) FROM wanted WHERE wanted.exists)::int AS skipped`);
    const { created, skipped } = rows[0]!;
    return { firstDay, lastDay: addDays(firstDay, template.weeks * 7 - 1), created, skipped };
  });
}

/**
 * Sets a slot's capacity. The guard is in the UPDATE (`booked <= capacity`), so a booking that
 * lands at the same moment can never leave the slot oversold.
 */
export async function setSlotCapacity(
  db: Db,
  actor: MerchantActor,
  input: z.infer<typeof setSlotCapacityInput>,
) {
  const owned = sql`${slots.serviceId} IN (SELECT ${services.id} FROM ${services} WHERE ${services.merchantId} = ${actor.merchantId})`;
  const [slot] = await db
    .update(slots)
    .set({ capacity: input.capacity })
    .where(and(eq(slots.id, input.slotId), owned, sql`${slots.booked} <= ${input.capacity}`))
    .returning();
  if (slot) {
    return {
      id: slot.id,
      serviceId: slot.serviceId,
      startsAt: slot.startsAt.toISOString(),
      endsAt: slot.endsAt.toISOString(),
      capacity: slot.capacity,
      booked: slot.booked,
      closed: slot.closed,
    };
  }
  const [existing] = await db
    .select({ booked: slots.booked })
    .from(slots)
    .where(and(eq(slots.id, input.slotId), owned));
  if (!existing) throw new NotFound('Time slot');
  throw new Conflict(
    'capacity_below_booked',
    `Capacity cannot go below the ${existing.booked} already booked`,
    { booked: existing.booked },
  );
}

/** Closes every slot of a service on one business day; bookings already made stay as they are. */
export async function closeServiceDay(
  db: Db,
  actor: MerchantActor,
  input: z.infer<typeof closeDayInput>,
  timeZone: string,
) {
  return db.transaction(async (tx) => {
    await ownService(tx, actor, input.serviceId, true);
    const closed = await tx
      .update(slots)
      .set({ closed: true })
      .where(
        and(
          eq(slots.serviceId, input.serviceId),
          eq(slots.closed, false),
          sql`${slots.startsAt} >= (${input.date}::date)::timestamp AT TIME ZONE ${timeZone}`,
          sql`${slots.startsAt} < (${input.date}::date + 1)::timestamp AT TIME ZONE ${timeZone}`,
        ),
      )
      .returning({ id: slots.id });
    return { date: input.date, closed: closed.length };
  });
}
