import { and, eq, gt, lt, or, sql, type AnyColumn, type SQL, type SQLWrapper } from 'drizzle-orm';
import { z } from 'zod';
import { BadRequest } from '../errors';

/** Keyset pagination: a cursor is the sort key and id of the last item, opaque to clients. */
export interface KeysetCursor {
  key: string;
  id: string;
}

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id])).toString('base64url');
}

// Every listing sorts by a timestamp, so a key is an ISO time (as toISOString writes it).
const decoded = z.tuple([z.string().datetime(), z.string().uuid()]);

export function decodeCursor(cursor: string | undefined): KeysetCursor | null {
  if (!cursor) return null;
  try {
    const [key, id] = decoded.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString()));
    return { key, id };
  } catch {
    throw new BadRequest('invalid_cursor', 'The page cursor is not valid');
  }
}

/**
 * The keyset condition "after (at, atId)" for a listing ordered by (key, id) in `direction`: rows
 * past the last one of the previous page. `at` and `atId` are values or placeholders.
 */
export function keysetAfter(
  key: AnyColumn,
  id: AnyColumn,
  direction: 'asc' | 'desc',
  at: Date | SQLWrapper,
  atId: string | SQLWrapper,
): SQL {
  const past = direction === 'asc' ? gt : lt;
  return or(past(key, at), and(eq(key, at), past(id, atId)))!;
}

/** `keysetAfter` the cursor, or no condition on the first page. */
export function afterCursor(
  cursor: KeysetCursor | null,
  key: AnyColumn,
  id: AnyColumn,
  direction: 'asc' | 'desc',
): SQL | undefined {
  return cursor ? keysetAfter(key, id, direction, new Date(cursor.key), cursor.id) : undefined;
}

/** Keyset placeholders `cursorKey` and `cursorId` for a prepared listing. */
export function afterCursorPlaceholders(
  key: AnyColumn,
  id: AnyColumn,
  direction: 'asc' | 'desc',
): SQL {
  return keysetAfter(
    key,
    id,
    direction,
    sql`${sql.placeholder('cursorKey')}::timestamptz`,
    sql`${sql.placeholder('cursorId')}::uuid`,
  );
}

/** Builds `{items, nextCursor}` from a query that fetched one row more than the page size. */
export function page<T, R>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => KeysetCursor,
  view: (row: T) => R,
): { items: R[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(view),
    nextCursor: more && last ? encodeCursor(keyOf(last)) : null,
  };
}
