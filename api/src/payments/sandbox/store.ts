import type pg from 'pg';
import type Stripe from 'stripe';
import { findBalanceTransaction } from './balance';
import { resourceMissing } from './errors';

/** A pool or a client inside a transaction: reads take either, state changes take the latter. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** The API objects the sandbox stores, by their Stripe `object` name. */
export interface ObjectTypes {
  'checkout.session': Stripe.Checkout.Session;
  payment_intent: Stripe.PaymentIntent;
  charge: Stripe.Charge;
  refund: Stripe.Refund;
  account: Stripe.Account;
  account_link: Stripe.AccountLink;
  transfer: Stripe.Transfer;
  dispute: Stripe.Dispute;
  event: Stripe.Event;
}
export type ObjectType = keyof ObjectTypes;

export interface AccountLinkState {
  account: string;
  refresh_url: string;
  return_url: string;
  used: boolean;
}

/** What the sandbox keeps beside an object but Stripe does not render in it. */
interface InternalTypes {
  'checkout.session': {
    line_items: Stripe.LineItem[];
    /** Applied to the PaymentIntent, which Checkout creates only when the customer pays. */
    payment_intent_data: {
      transfer_group: string | null;
      metadata: Stripe.Metadata;
      description: string | null;
    };
  };
  account_link: AccountLinkState;
}
export type InternalOf<K extends ObjectType> = K extends keyof InternalTypes
  ? InternalTypes[K]
  : Record<string, never>;

export interface Stored<K extends ObjectType> {
  id: string;
  data: ObjectTypes[K];
  internal: InternalOf<K>;
}

/** The id behind an expandable field, whether it holds the id or the expanded object. */
export function idOf(ref: string | { id: string } | null): string {
  if (ref === null) throw new Error('expected a reference, found null');
  return typeof ref === 'string' ? ref : ref.id;
}

export async function transaction<T>(
  pool: pg.Pool,
  work: (tx: Queryable) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function insertObject<K extends ObjectType>(
  db: Queryable,
  type: K,
  id: string,
  data: ObjectTypes[K],
  internal?: InternalOf<K>,
): Promise<void> {
  await db.query(
    'INSERT INTO stripe_sandbox.objects (id, type, data, internal) VALUES ($1, $2, $3, $4)',
    [id, type, JSON.stringify(data), JSON.stringify(internal ?? {})],
  );
}

/** Replaces an object's rendering (and, when given, its internal state); `type` guards the id. */
export async function updateObject<K extends ObjectType>(
  db: Queryable,
  type: K,
  id: string,
  data: ObjectTypes[K],
  internal?: InternalOf<K>,
): Promise<void> {
  const result = await db.query(
    `UPDATE stripe_sandbox.objects SET data = $3, internal = COALESCE($4::jsonb, internal)
      WHERE id = $1 AND type = $2`,
    [id, type, JSON.stringify(data), internal ? JSON.stringify(internal) : null],
  );
  if (result.rowCount !== 1) throw new Error(`no ${type} ${id} to update`);
}

export async function findObject<K extends ObjectType>(
  db: Queryable,
  type: K,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Stored<K> | null> {
  const { rows } = await db.query<{ data: ObjectTypes[K]; internal: InternalOf<K> }>(
    `SELECT data, internal FROM stripe_sandbox.objects WHERE id = $1 AND type = $2
     ${options.lock ? 'FOR UPDATE' : ''}`,
    [id, type],
  );
  const row = rows[0];
  return row ? { id, data: row.data, internal: row.internal } : null;
}

/** Like `findObject`, but a missing object is Stripe's `resource_missing` on `param`. */
export async function getObject<K extends ObjectType>(
  db: Queryable,
  type: K,
  id: string,
  options: { lock?: boolean; param?: string } = {},
): Promise<Stored<K>> {
  const found = await findObject(db, type, id, options);
  if (!found) throw resourceMissing(type, id, options.param);
  return found;
}

/** Any stored object by id, whatever its type: what `expand[]` resolves. */
export async function findAnyObject(db: Queryable, id: string): Promise<unknown> {
  if (id.startsWith('txn_')) return findBalanceTransaction(db, id);
  if (id.startsWith('trr_')) {
    // A reversal lives in its transfer's `reversals` list (expanding a balance transaction's source).
    const { rows } = await db.query<{ data: unknown }>(
      `SELECT r AS data FROM stripe_sandbox.objects o,
              jsonb_array_elements(o.data->'reversals'->'data') r
        WHERE o.type = 'transfer' AND r->>'id' = $1`,
      [id],
    );
    return rows[0]?.data ?? null;
  }
  const { rows } = await db.query<{ data: unknown }>(
    'SELECT data FROM stripe_sandbox.objects WHERE id = $1',
    [id],
  );
  return rows[0]?.data ?? null;
}

export interface Page {
  limit: number;
  starting_after?: string;
  ending_before?: string;
}

/**
 * A Stripe list: newest first, filtered by equality on top-level fields, paged by cursor ids.
 * Filters name fields the caller chose, never request input, so they are safe to interpolate.
 */
export async function listObjects<K extends ObjectType>(
  db: Queryable,
  type: K,
  filters: Partial<Record<string, string>>,
  page: Page,
  url: string,
): Promise<Stripe.ApiList<ObjectTypes[K]>> {
  const where = ['type = $1'];
  const values: unknown[] = [type];
  for (const [field, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    values.push(value);
    where.push(`data->>'${field}' = $${values.length}`);
  }
  const cursor = page.starting_after ?? page.ending_before;
  if (cursor) {
    // Stripe refuses a cursor it does not know rather than answering an empty page.
    const known = await db.query(
      'SELECT 1 FROM stripe_sandbox.objects WHERE id = $1 AND type = $2',
      [cursor, type],
    );
    if (known.rowCount === 0) {
      throw resourceMissing(type, cursor, page.starting_after ? 'starting_after' : 'ending_before');
    }
    values.push(cursor);
    const op = page.starting_after ? '<' : '>';
    where.push(`seq ${op} (SELECT seq FROM stripe_sandbox.objects WHERE id = $${values.length})`);
  }
  values.push(page.limit + 1);
  const order = page.ending_before ? 'ASC' : 'DESC';
  const { rows } = await db.query<{ data: ObjectTypes[K] }>(
    `SELECT data FROM stripe_sandbox.objects WHERE ${where.join(' AND ')}
      ORDER BY seq ${order} LIMIT $${values.length}`,
    values,
  );
  const data = rows.slice(0, page.limit).map((r) => r.data);
  if (page.ending_before) data.reverse();
  return { object: 'list', data, has_more: rows.length > page.limit, url };
}

/**
 * A page of a list the sandbox keeps inside its parent object (a transfer's reversals, a
 * session's line items), paged like `listObjects`: `limit`, and a cursor that must name an item.
 */
export function pageOf<T extends { id: string }>(
  items: T[],
  page: Partial<Page>,
  url: string,
  objectName: string,
): Stripe.ApiList<T> {
  const limit = page.limit ?? 10;
  let start = 0;
  let end = items.length;
  const cursor = page.starting_after ?? page.ending_before;
  if (cursor) {
    const at = items.findIndex((item) => item.id === cursor);
    if (at < 0) {
      throw resourceMissing(
        objectName,
        cursor,
        page.starting_after ? 'starting_after' : 'ending_before',
      );
    }
    if (page.starting_after) start = at + 1;
    else end = at;
  }
  const data = page.ending_before
    ? items.slice(Math.max(start, end - limit), end)
    : items.slice(start, start + limit);
  const hasMore = page.ending_before ? end - limit > start : start + limit < end;
  return { object: 'list', data, has_more: hasMore, url };
}
