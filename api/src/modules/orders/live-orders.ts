import { type Db } from '@cgp/db';
import { tracked } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { BadRequest, Unauthorized } from '../../errors';
import { resolveSession } from '../identity/session.service';
import { decodeEventId, MIN_UUID } from './order-change-feed';
import { orderLiveHub, type LiveAudience } from './order-live-hub';
import type { OrderViewRow } from './order-view';

/** How often a stream re-checks that the session behind it has not been revoked. */
const SESSION_CHECK_MS = 30_000;

export interface LiveOrdersOptions {
  lastEventId?: string | null;
  token: string | null;
  signal?: AbortSignal;
}

/** The database's clock, which stamps `updated_at`; the API's own clock may differ. */
async function databaseNow(db: Db): Promise<number> {
  const { rows } = await db.execute<{ ms: number }>(
    sql`SELECT floor(extract(epoch FROM now()) * 1000)::float8 AS ms`,
  );
  return rows[0]!.ms;
}

/** Whether the session still speaks for the audience (not signed out, not another account). */
async function stillSignedIn(db: Db, token: string | null, audience: LiveAudience) {
  const session = token ? await resolveSession(db, token) : null;
  if (!session) return false;
  return audience.kind === 'resident'
    ? session.id === audience.residentId
    : session.merchantId === audience.merchantId;
}

/**
 * A live order feed over server-sent events: `order.live` (a resident's own orders: the merchant
 * accepts, a timer refunds, the payment lands) and `merchant.orders.live` (the merchant's paid
 * orders: the queue shows new ones without a reload). Changes come from the process's one poll
 * (`OrderLiveHub`), so open streams cost no database reads of their own. Each event carries the
 * feed position as its id; a client reconnecting with it resumes there. Delivery is at least once
 * — a resumed feed may repeat the last seconds — so clients upsert by order id.
 */
export async function* watchLiveOrders<T>(
  db: Db,
  audience: LiveAudience,
  view: (row: OrderViewRow) => T,
  { lastEventId, token, signal }: LiveOrdersOptions,
) {
  const start = lastEventId
    ? decodeEventId(lastEventId)
    : { at: await databaseNow(db), id: MIN_UUID };
  if (!start) throw new BadRequest('invalid_event_id', 'lastEventId is not an event of this feed');
  let sessionCheckedAt = Date.now();
  for await (const batch of orderLiveHub(db).watch(audience, start, signal)) {
    if (Date.now() - sessionCheckedAt >= SESSION_CHECK_MS) {
      if (!(await stillSignedIn(db, token, audience))) {
        throw new Unauthorized('session_ended', 'The session has ended; please sign in again');
      }
      sessionCheckedAt = Date.now();
    }
    for (const event of batch) yield tracked(event.eventId, view(event.row));
  }
}
