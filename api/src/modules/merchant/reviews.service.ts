import { orderReviews, orders, services, slots, users, type DbOrTx } from '@cgp/db';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { afterCursor, decodeCursor, page } from '../../lib/cursor';
import type { MerchantActor } from '../identity/actor';
import { photoUrl } from '../uploads/uploads.service';
import type { listReviewsInput } from './merchant.schema';

/**
 * Average of residents' own ratings (one decimal), their count and how many of each star, over
 * all the merchant's reviews; default ratings (系统默认好评) are only counted, apart.
 */
async function reviewSummary(db: DbOrTx, merchantId: string) {
  const rows = await db
    .select({
      rating: orderReviews.rating,
      automatic: orderReviews.automatic,
      count: sql<number>`count(*)::int`,
    })
    .from(orderReviews)
    .where(eq(orderReviews.merchantId, merchantId))
    .groupBy(orderReviews.rating, orderReviews.automatic);
  const byRating: Record<'1' | '2' | '3' | '4' | '5', number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  let count = 0;
  let stars = 0;
  let defaultCount = 0;
  for (const row of rows) {
    if (row.automatic) {
      defaultCount += row.count;
      continue;
    }
    byRating[String(row.rating) as keyof typeof byRating] = row.count;
    count += row.count;
    stars += row.rating * row.count;
  }
  return {
    average: count ? Math.round((stars / count) * 10) / 10 : null,
    count,
    defaultCount,
    byRating,
  };
}

/** Ratings and comments residents left on the caller's merchant's orders, newest first. */
export async function listMerchantReviews(
  db: DbOrTx,
  actor: MerchantActor,
  input: z.infer<typeof listReviewsInput>,
) {
  const cursor = decodeCursor(input.cursor);
  const rows = await db
    .select({
      orderId: orderReviews.orderId,
      rating: orderReviews.rating,
      comment: orderReviews.comment,
      automatic: orderReviews.automatic,
      reply: orderReviews.reply,
      photoIds: orderReviews.photoIds,
      repliedAt: orderReviews.repliedAt,
      createdAt: orderReviews.createdAt,
      serviceId: orders.serviceId,
      serviceTitleZh: services.titleZh,
      serviceTitleEn: services.titleEn,
      residentName: users.displayName,
      slotStartsAt: slots.startsAt,
    })
    .from(orderReviews)
    .innerJoin(orders, eq(orders.id, orderReviews.orderId))
    .innerJoin(services, eq(services.id, orders.serviceId))
    .innerJoin(slots, eq(slots.id, orders.slotId))
    .innerJoin(users, eq(users.id, orderReviews.residentId))
    .where(
      and(
        eq(orderReviews.merchantId, actor.merchantId),
        input.rating ? eq(orderReviews.rating, input.rating) : undefined,
        afterCursor(cursor, orderReviews.createdAt, orderReviews.orderId, 'desc'),
      ),
    )
    .orderBy(desc(orderReviews.createdAt), desc(orderReviews.orderId))
    .limit(input.limit + 1);
  const list = page(
    rows,
    input.limit,
    (r) => ({ key: r.createdAt.toISOString(), id: r.orderId }),
    (r) => ({
      ...r,
      createdAt: r.createdAt.toISOString(),
      repliedAt: r.repliedAt?.toISOString() ?? null,
      photos: r.photoIds.map((id) => ({ id, url: photoUrl(id) })),
      slotStartsAt: r.slotStartsAt.toISOString(),
    }),
  );
  return { ...list, summary: await reviewSummary(db, actor.merchantId) };
}
