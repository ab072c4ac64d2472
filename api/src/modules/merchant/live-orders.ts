import { orders, type Db } from '@cgp/db';
import { tracked } from '@trpc/server';
import { and, asc, eq, notInArray, sql } from 'drizzle-orm';
import { BadRequest, Unauthorized } from '../../errors';
import type { MerchantActor } from '../identity/actor';
import { resolveSession } from '../identity/session.service';
import { orderView, selectOrders } from '../orders/order-view';
import {
  decodeEventId,
  encodeEventId,
  MIN_UUID,
  OrderChangeFeed,
  type FeedPosition,
} from './order-change-feed';

/** Orders a merchant never has to act on: unpaid, or never paid. */
const NOT_THE_MERCHANTS_BUSINESS = ['pending_payment', 'expired'] as const;
const BATCH = 200;
/** How often the feed re-checks that the session behind it has not been revoked. */
const SESSION_CHECK_MS = 30_000;

export interface LiveOrdersOptions {
  lastEventId?: string | null;
  token: string | null;
  signal?: AbortSignal;
  pollMs?: number;
}

/** Resolves after `ms`, or at once when the signal aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The database's clock, which stamps `updated_at`; the API's own clock may differ. */
async function databaseNow(db: Db): Promise<number> {
  const { rows } = await db.execute<{ ms: number }>(
    sql`SELECT floor(extract(epoch FROM now()) * 1000)::float8 AS ms`,
  );
  return rows[0]!.ms;
}

function changedSince(db: Db, merchantId: string, from: FeedPosition) {
  return selectOrders(db)
    .where(
      and(
        eq(orders.merchantId, merchantId),
        notInArray(orders.status, [...NOT_THE_MERCHANTS_BUSINESS]),
        sql`(${orders.updatedAt}, ${orders.id}) > (${new Date(from.at).toISOString()}::timestamptz, ${from.id}::uuid)`,
      ),
    )
    .orderBy(asc(orders.updatedAt), asc(orders.id))
    .limit(BATCH);
}

/**
 * `merchant.orders.live`: the caller's merchant's orders as they change, polled from PostgreSQL
 * every `pollMs` (so it needs no shared memory and works on any API instance). Each event carries
 * the feed position as its id; a client reconnecting with it resumes there. Delivery is at least
 * once — a resumed feed may repeat the last seconds — so clients upsert by order id.
 */
export async function* watchMerchantOrders(
  db: Db,
  actor: MerchantActor,
  { lastEventId, token, signal, pollMs = 1_000 }: LiveOrdersOptions,
) {
  const start = lastEventId
    ? decodeEventId(lastEventId)
    : { at: await databaseNow(db), id: MIN_UUID };
  if (!start) throw new BadRequest('invalid_event_id', 'lastEventId is not an event of this feed');
  const feed = new OrderChangeFeed(start);
  let sessionCheckedAt = Date.now();

  while (!signal?.aborted) {
    if (Date.now() - sessionCheckedAt >= SESSION_CHECK_MS) {
      const current = token ? await resolveSession(db, token) : null;
      if (current?.merchantId !== actor.merchantId) {
        throw new Unauthorized('session_ended', 'The session has ended; please sign in again');
      }
      sessionCheckedAt = Date.now();
    }
    let from = feed.readFrom();
    for (;;) {
      const rows = await changedSince(db, actor.merchantId, from);
      for (const row of rows) {
        if (feed.admit({ at: row.order.updatedAt.getTime(), id: row.order.id })) {
          yield tracked(encodeEventId(feed.position), orderView(row));
        }
      }
      const last = rows[rows.length - 1];
      if (rows.length < BATCH || !last) break;
      from = { at: last.order.updatedAt.getTime(), id: last.order.id };
    }
    feed.prune();
    await pause(pollMs, signal);
  }
}
