import { and, eq, gt, lt, or, type AnyColumn, type SQL } from 'drizzle-orm';
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

const decoded = z.tuple([z.string().max(100), z.string().uuid()]);

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
 * The keyset condition "after the cursor" for a listing ordered by (key, id) in `direction`:
 * rows past the last one of the previous page. Undefined (no condition) on the first page.
 */
export function afterCursor(
  cursor: KeysetCursor | null,
  key: AnyColumn,
  id: AnyColumn,
  direction: 'asc' | 'desc',
): SQL | undefined {
  if (!cursor) return undefined;
  const past = direction === 'asc' ? gt : lt;
  const at = new Date(cursor.key);
  return or(past(key, at), and(eq(key, at), past(id, cursor.id)));
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
