import { getTableColumns, type SQL } from 'drizzle-orm';
import { PgDialect, type PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client';

/**
 * Named prepared statements for the hot paths (the session lookup behind every request, catalog
 * reads, booking). Drizzle builds such a query's SQL once per process instead of on every call,
 * and PostgreSQL parses and plans it once per connection and then only binds and runs it — on
 * this kind of query planning costs more than executing. Values go in as `sql.placeholder(...)`,
 * so the SQL text behind a name never changes; a query whose shape depends on its input gets one
 * name per shape (`preparedVariants`).
 *
 * Named statements live on the server connection, so a pooler in front of PostgreSQL must keep
 * them (PgBouncer ≥ 1.21 with max_prepared_statements, or session pooling).
 */

const names = new Set<string>();

function claim(name: string): string {
  // PostgreSQL keeps one statement per name per connection; two different queries under one name
  // would fail at run time on whichever connection saw the other one first.
  if (names.has(name)) throw new Error(`Prepared statement name "${name}" is already taken`);
  if (Buffer.byteLength(name) > 63)
    throw new Error(`Prepared statement name "${name}" is too long`);
  names.add(name);
  return name;
}

/**
 * A query prepared once per database handle: the pool's handle keeps it for the life of the
 * process; a transaction's handle prepares it again (cheaply: the connection may know it already).
 */
export function prepared<Q>(name: string, build: (db: DbOrTx, name: string) => Q) {
  const statement = claim(name);
  const byHandle = new WeakMap<DbOrTx, Q>();
  return (db: DbOrTx): Q => {
    let query = byHandle.get(db);
    if (!query) byHandle.set(db, (query = build(db, statement)));
    return query;
  };
}

/**
 * Like `prepared`, with one statement for each shape the query takes (which filters are present,
 * whose scope it reads): `variant` names the shape, and `build` must give the same SQL for it.
 */
export function preparedVariants<Q>(
  name: string,
  build: (db: DbOrTx, variant: string, name: string) => Q,
) {
  if (name.includes(':')) throw new Error(`Prepared statement name "${name}" may not contain ":"`);
  claim(name);
  const each = new Map<string, (db: DbOrTx) => Q>();
  return (db: DbOrTx, variant: string): Q => {
    let forHandle = each.get(variant);
    if (!forHandle) {
      forHandle = prepared(`${name}:${variant}`, (handle, n) => build(handle, variant, n));
      each.set(variant, forHandle);
    }
    return forHandle(db);
  };
}

/** A hand-written statement (data-modifying CTEs, say) as a named prepared statement. */
export function preparedSql<Row extends Record<string, unknown>>(name: string, statement: SQL) {
  const query = new PgDialect().sqlToQuery(statement);
  const forHandle = prepared(name, (db, n) =>
    db._.session.prepareQuery<{ execute: { rows: Row[] }; all: Row[]; values: unknown }>(
      query,
      undefined,
      n,
      false,
    ),
  );
  return async (db: DbOrTx, values: Record<string, unknown>): Promise<Row[]> =>
    (await forHandle(db).execute(values)).rows;
}

/**
 * A row a hand-written statement returned (`RETURNING *`, column names as in the database) as
 * drizzle's select of `table` would give it: property names, Dates, parsed JSON.
 */
export function rowOf<T extends PgTable>(
  table: T,
  raw: Record<string, unknown>,
): T['$inferSelect'] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row;
}
