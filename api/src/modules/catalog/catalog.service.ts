import { merchants, serviceCommunities, services, slots, type DbOrTx } from '@cgp/db';
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { afterCursor, decodeCursor, page } from '../../lib/cursor';
import { NotFound } from '../../errors';
import type { Actor } from '../identity/actor';
import type { listServicesInput, listSlotsInput } from './catalog.schema';
import { visibleServices } from './catalog.scope';

const serviceColumns = {
  id: services.id,
  merchantId: services.merchantId,
  merchantName: merchants.name,
  category: services.category,
  titleZh: services.titleZh,
  titleEn: services.titleEn,
  descriptionZh: services.descriptionZh,
  descriptionEn: services.descriptionEn,
  priceFen: services.priceFen,
  pricingUnit: services.pricingUnit,
  minQuantity: services.minQuantity,
  maxQuantity: services.maxQuantity,
  durationMinutes: services.durationMinutes,
  freeCancelMinutes: services.freeCancelMinutes,
  lateCancelFeeBps: services.lateCancelFeeBps,
  bookingCutoffMinutes: services.bookingCutoffMinutes,
  active: services.active,
  createdAt: services.createdAt,
  communityIds: sql<string[]>`coalesce((
      SELECT array_agg(${serviceCommunities.communityId}::text ORDER BY ${serviceCommunities.communityId})
        FROM ${serviceCommunities} WHERE ${serviceCommunities.serviceId} = ${services.id}), '{}')`,
};

function serviceView<R extends { merchantId: string; merchantName: string; createdAt: Date }>(
  row: R,
) {
  const { merchantName, createdAt, ...rest } = row;
  return {
    ...rest,
    merchant: { id: row.merchantId, name: merchantName },
    createdAt: createdAt.toISOString(),
  };
}

export async function listServices(
  db: DbOrTx,
  actor: Actor,
  input: z.infer<typeof listServicesInput>,
) {
  const cursor = decodeCursor(input.cursor);
  const rows = await db
    .select(serviceColumns)
    .from(services)
    .innerJoin(merchants, eq(merchants.id, services.merchantId))
    .where(
      and(
        visibleServices(db, actor, input.communityId),
        input.category ? eq(services.category, input.category) : undefined,
        afterCursor(cursor, services.createdAt, services.id, 'asc'),
      ),
    )
    .orderBy(asc(services.createdAt), asc(services.id))
    .limit(input.limit + 1);
  return page(
    rows,
    input.limit,
    (r) => ({ key: r.createdAt.toISOString(), id: r.id }),
    serviceView,
  );
}

export async function getService(db: DbOrTx, actor: Actor, id: string) {
  const [row] = await db
    .select(serviceColumns)
    .from(services)
    .innerJoin(merchants, eq(merchants.id, services.merchantId))
    .where(and(eq(services.id, id), visibleServices(db, actor)))
    .limit(1);
  if (!row) throw new NotFound('Service');
  return serviceView(row);
}

export async function listSlots(db: DbOrTx, actor: Actor, input: z.infer<typeof listSlotsInput>) {
  const service = await getService(db, actor, input.serviceId);
  const cursor = decodeCursor(input.cursor);
  const rows = await db
    .select({
      id: slots.id,
      serviceId: slots.serviceId,
      startsAt: slots.startsAt,
      endsAt: slots.endsAt,
      capacity: slots.capacity,
      booked: slots.booked,
      closed: slots.closed,
      // Bookable when open, not full, and before the service's booking cut-off.
      bookable: sql<boolean>`NOT ${slots.closed} AND ${slots.booked} < ${slots.capacity}
        AND ${slots.startsAt} > now() + make_interval(mins => ${service.bookingCutoffMinutes}::int)`,
    })
    .from(slots)
    .where(
      and(
        eq(slots.serviceId, service.id),
        gte(slots.startsAt, new Date(input.from)),
        lt(slots.startsAt, new Date(input.to)),
        afterCursor(cursor, slots.startsAt, slots.id, 'asc'),
      ),
    )
    .orderBy(asc(slots.startsAt), asc(slots.id))
    .limit(input.limit + 1);
  return page(
    rows,
    input.limit,
    (r) => ({ key: r.startsAt.toISOString(), id: r.id }),
    (r) => ({
      ...r,
      startsAt: r.startsAt.toISOString(),
      endsAt: r.endsAt.toISOString(),
      remaining: r.capacity - r.booked,
    }),
  );
}
