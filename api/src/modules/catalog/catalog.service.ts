import {
  dishes,
  merchants,
  preparedVariants,
  serviceCommunities,
  services,
  slots,
  type DbOrTx,
} from '@cgp/db';
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { afterCursorPlaceholders, decodeCursor, page } from '../../lib/cursor';
import { NotFound } from '../../errors';
import type { Actor } from '../identity/actor';
import { roundedMean } from '../quality/satisfaction';
import { photoUrl } from '../uploads/uploads.service';
import type { listServicesInput, listSlotsInput } from './catalog.schema';
import { serviceScope, serviceScopeCondition, type ServiceScope } from './catalog.scope';

const serviceColumns = {
  id: services.id,
  merchantId: services.merchantId,
  merchantName: merchants.name,
  merchantRatingSum: merchants.ratingSum,
  merchantRatingCount: merchants.ratingCount,
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
  /** Offers 立即上门 (SPEC §12) besides time slots. */
  onDemand: services.onDemand,
  /** Sold from a menu: its cheapest dish on sale (the card says 起); null otherwise. */
  menuFromFen: sql<number | null>`(SELECT min(d.price_fen)::int FROM ${dishes} d
      WHERE d.service_id = ${services.id} AND d.available AND d.removed_at IS NULL)`,
  photoId: services.photoId,
  active: services.active,
  createdAt: services.createdAt,
  communityIds: sql<string[]>`coalesce((
      SELECT array_agg(${serviceCommunities.communityId}::text ORDER BY ${serviceCommunities.communityId})
        FROM ${serviceCommunities} WHERE ${serviceCommunities.serviceId} = ${services.id}), '{}')`,
};

function serviceView<
  R extends {
    merchantId: string;
    merchantName: string;
    merchantRatingSum: number;
    merchantRatingCount: number;
    createdAt: Date;
    photoId: string | null;
  },
>(row: R) {
  const { merchantName, merchantRatingSum, merchantRatingCount, createdAt, ...rest } = row;
  return {
    ...rest,
    /** Where residents fetch the service's photo; null when the merchant has none. */
    photoUrl: row.photoId ? photoUrl(row.photoId) : null,
    merchant: {
      id: row.merchantId,
      name: merchantName,
      /** Mean of residents' own ratings (default ratings excluded), two decimals; null before any. */
      rating: roundedMean(merchantRatingSum, merchantRatingCount),
      ratingCount: merchantRatingCount,
    },
    createdAt: createdAt.toISOString(),
  };
}

/** A prepared listing's variant: the scope's shape and which optional filters are present. */
function variantOf(...parts: (string | false | null | undefined)[]): string {
  return parts.filter(Boolean).join('+');
}

const servicesPage = preparedVariants('catalog_services', (db, variant, name) => {
  const [shape] = variant.split('+') as [ServiceScope['shape']];
  return db
    .select(serviceColumns)
    .from(services)
    .innerJoin(merchants, eq(merchants.id, services.merchantId))
    .where(
      and(
        serviceScopeCondition(db, shape),
        variant.includes('+category')
          ? eq(services.category, sql`${sql.placeholder('category')}::service_category`)
          : undefined,
        variant.includes('+cursor')
          ? afterCursorPlaceholders(services.createdAt, services.id, 'asc')
          : undefined,
      ),
    )
    .orderBy(asc(services.createdAt), asc(services.id))
    .limit(sql.placeholder('limit'))
    .prepare(name);
});

export async function listServices(
  db: DbOrTx,
  actor: Actor,
  input: z.infer<typeof listServicesInput>,
) {
  const cursor = decodeCursor(input.cursor);
  const scope = serviceScope(actor, input.communityId);
  const rows = await servicesPage(
    db,
    variantOf(scope.shape, input.category && 'category', cursor && 'cursor'),
  ).execute({
    ...scope.values,
    category: input.category,
    cursorKey: cursor?.key,
    cursorId: cursor?.id,
    limit: input.limit + 1,
  });
  return page(
    rows,
    input.limit,
    (r) => ({ key: r.createdAt.toISOString(), id: r.id }),
    serviceView,
  );
}

const serviceById = preparedVariants('catalog_service', (db, shape, name) =>
  db
    .select(serviceColumns)
    .from(services)
    .innerJoin(merchants, eq(merchants.id, services.merchantId))
    .where(
      and(
        eq(services.id, sql`${sql.placeholder('id')}::uuid`),
        serviceScopeCondition(db, shape as ServiceScope['shape']),
      ),
    )
    .limit(1)
    .prepare(name),
);

export async function getService(db: DbOrTx, actor: Actor, id: string) {
  const scope = serviceScope(actor);
  const [row] = await serviceById(db, scope.shape).execute({ ...scope.values, id });
  if (!row) throw new NotFound('Service');
  return serviceView(row);
}

/** A page of a service's slots, joined with the service so its visibility is checked too. */
const slotsPage = preparedVariants('catalog_slots', (db, variant, name) => {
  const [shape] = variant.split('+') as [ServiceScope['shape']];
  return db
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
        AND ${slots.startsAt} > now() + make_interval(mins => ${services.bookingCutoffMinutes})`,
    })
    .from(slots)
    .innerJoin(services, eq(services.id, slots.serviceId))
    .innerJoin(merchants, eq(merchants.id, services.merchantId))
    .where(
      and(
        eq(slots.serviceId, sql`${sql.placeholder('serviceId')}::uuid`),
        eq(slots.onDemand, false),
        serviceScopeCondition(db, shape),
        gte(slots.startsAt, sql`${sql.placeholder('from')}::timestamptz`),
        lt(slots.startsAt, sql`${sql.placeholder('to')}::timestamptz`),
        variant.includes('+cursor')
          ? afterCursorPlaceholders(slots.startsAt, slots.id, 'asc')
          : undefined,
      ),
    )
    .orderBy(asc(slots.startsAt), asc(slots.id))
    .limit(sql.placeholder('limit'))
    .prepare(name);
});

/**
 * One query for a page of slots. Only an empty page asks whether the service itself is out of
 * sight (NOT_FOUND) or simply has no slots in the range.
 */
export async function listSlots(db: DbOrTx, actor: Actor, input: z.infer<typeof listSlotsInput>) {
  const scope = serviceScope(actor);
  const cursor = decodeCursor(input.cursor);
  const rows = await slotsPage(db, variantOf(scope.shape, cursor && 'cursor')).execute({
    ...scope.values,
    serviceId: input.serviceId,
    from: input.from,
    to: input.to,
    cursorKey: cursor?.key,
    cursorId: cursor?.id,
    limit: input.limit + 1,
  });
  if (!rows.length) await getService(db, actor, input.serviceId);
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
