import pg from 'pg';

/** Splits a connection URL into the server's maintenance URL and the database name. */
export function splitDatabaseUrl(url: string): { serverUrl: string; database: string } {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`DATABASE_URL ${redactUrl(url)} names no database`);
  parsed.pathname = '/postgres';
  return { serverUrl: parsed.toString(), database };
}

/** The URL with any password replaced, safe for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates the database named in `url` when it does not exist yet. Connects to the server's
 * `postgres` maintenance database to do so. Throws if the server cannot be reached in time.
 */
export async function ensureDatabase(
  url: string,
  timeoutMs = 5_000,
): Promise<'created' | 'exists'> {
  const { serverUrl, database } = splitDatabaseUrl(url);
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: timeoutMs });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return 'exists';
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
    } catch (error) {
      // Two processes starting together: the other one created it first. PostgreSQL says so with
      // 42P04 when the other had committed, or with a unique violation on pg_database when both
      // were creating it at the same moment.
      const code = (error as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw error;
      return 'exists';
    }
    return 'created';
  } finally {
    await client.end();
  }
}
