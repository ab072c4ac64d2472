import { orderReviews, orders, type Db } from '@cgp/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { Conflict, NotFound } from '../../errors';
import type { MerchantActor } from '../identity/actor';
import type { replyReviewInput } from './quality.schema';

/** The stars of a 系统默认好评. */
export const DEFAULT_RATING = 5;

/**
 * Gives every order whose default-rating time has passed its 系统默认好评: five stars marked
 * automatic. The due time lives on the order (set at confirmation, cleared by a rating), so this
 * sweep needs nothing from Redis; it is safe to run any number of times and in parallel (locked
 * rows are skipped, a rating that exists wins). Returns how many ratings it gave.
 */
export async function giveDefaultRatings(db: Db, limit = 1000): Promise<number> {
  const result = await db.execute(sql`
    WITH due AS (
      SELECT id, merchant_id, resident_id FROM ${orders}
       WHERE default_rating_at <= now()
       ORDER BY default_rating_at
       LIMIT ${limit}
         FOR UPDATE SKIP LOCKED
    ), cleared AS (
      UPDATE ${orders} o SET default_rating_at = NULL FROM due WHERE o.id = due.id
    )
    INSERT INTO ${orderReviews} (order_id, merchant_id, resident_id, rating, automatic)
    SELECT id, merchant_id, resident_id, ${DEFAULT_RATING}, true FROM due
    ON CONFLICT (order_id) DO NOTHING`);
  return result.rowCount ?? 0;
}

/** The merchant's one reply to a resident's rating. A default rating has no one to answer. */
export async function replyToReview(
  db: Db,
  actor: MerchantActor,
  input: z.infer<typeof replyReviewInput>,
) {
  const mine = and(
    eq(orderReviews.orderId, input.orderId),
    eq(orderReviews.merchantId, actor.merchantId),
  );
  const [row] = await db
    .update(orderReviews)
    .set({ reply: input.reply, repliedAt: sql`now()`, repliedBy: actor.id })
    .where(and(mine, isNull(orderReviews.reply), eq(orderReviews.automatic, false)))
    .returning();
  if (row) {
    return { orderId: row.orderId, reply: row.reply!, repliedAt: row.repliedAt!.toISOString() };
  }
  const [existing] = await db.select().from(orderReviews).where(mine);
  if (!existing) throw new NotFound('Review');
  if (existing.automatic) {
    throw new Conflict('default_rating', 'A default rating was not written by the resident');
  }
  throw new Conflict('already_replied', 'This review already has its reply');
}
