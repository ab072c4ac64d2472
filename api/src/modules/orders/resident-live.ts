import { orders, type Db } from '@cgp/db';
import { tracked } from '@trpc/server';
import { and, asc, eq, sql } from 'drizzle-orm';
import { BadRequest, Unauthorized } from '../../errors';
import type { ResidentActor } from '../identity/actor';
import { resolveSession } from '../identity/session.service';
import {
  decodeEventId,
  encodeEventId,
  MIN_UUID,
  OrderChangeFeed,
  type FeedPosition,
} from '../merchant/order-change-feed';
import { orderView, selectOrders } from './order-view';

const BATCH = 100;
/** How often the feed re-checks that the session behind it has not been revoked. */
const SESSION_CHECK_MS = 30_000;

export interface ResidentLiveOptions {
  lastEventId?: string | null;
  token: string | null;
  signal?: AbortSignal;
  pollMs?: number;
}

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

async function databaseNow(db: Db): Promise<number> {
  const { rows } = await db.execute<{ ms: number }>(
    sql`SELECT floor(extract(epoch FROM now()) * 1000)::float8 AS ms`,
  );
  return rows[0]!.ms;
}

function changedSince(db: Db, actor: ResidentActor, from: FeedPosition) {
  return selectOrders(db)
    .where(
      and(
        eq(orders.residentId, actor.id),
        sql`(${orders.updatedAt}, ${orders.id}) > (${new Date(from.at).toISOString()}::timestamptz, ${from.id}::uuid)`,
      ),
    )
    .orderBy(asc(orders.updatedAt), asc(orders.id))
    .limit(BATCH);
}

/**
 * `order.live`: the resident's orders as they change (the merchant accepts, a timer refunds, the
 * payment lands), so an open order page, the order list and the message badge update without a
 * reload. Polled from PostgreSQL like the merchant queue's feed, with the same event ids, so a
 * client reconnecting with the last one resumes there; delivery is at least once.
 */
export async function* watchResidentOrders(
  db: Db,
  actor: ResidentActor,
  { lastEventId, token, signal, pollMs = 1_000 }: ResidentLiveOptions,
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
      if (current?.id !== actor.id) {
        throw new Unauthorized('session_ended', 'The session has ended; please sign in again');
      }
      sessionCheckedAt = Date.now();
    }
    let from = feed.readFrom();
    for (;;) {
      const rows = await changedSince(db, actor, from);
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
