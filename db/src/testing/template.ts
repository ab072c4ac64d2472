import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase, migrationsFolder, runMigrations } from '../client';
import { quoteIdent, splitDatabaseUrl } from '../provision';

export const TEST_SERVER_URL =
  process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The template's name changes whenever a migration changes, so a stale template is never used. */
export function templateName(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder, { recursive: true }).map(String).sort()) {
    if (file.endsWith('.sql') || file.endsWith('.json')) {
      hash.update(file).update(readFileSync(join(migrationsFolder, file)));
    }
  }
  return `cgp_template_${hash.digest('hex').slice(0, 12)}`;
}

/**
 * Makes sure a migrated template database exists. Test files clone it with
 * `CREATE DATABASE … TEMPLATE`, which takes milliseconds instead of re-running migrations.
 */
export async function ensureTemplate(): Promise<string> {
  const name = templateName();
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) {
      await markTemplateUsed(admin, name);
      return name;
    }
    const building = `${name}_building_${process.pid}`;
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)}`);
    await admin.query(`CREATE DATABASE ${quoteIdent(building)}`);
    const { db, close } = createDatabase(databaseUrl(building), { max: 1 });
    try {
      await runMigrations(db);
    } finally {
      await close();
    }
    try {
      await admin.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
    } catch (error) {
      // Another run built the same template meanwhile; ours is surplus.
      if ((error as { code?: string }).code !== '42P04') throw error;
      await admin.query(`DROP DATABASE ${quoteIdent(building)}`);
    }
    await markTemplateUsed(admin, name);
    return name;
  } finally {
    await admin.end();
  }
}

/**
 * Stamps the template with the time a run last used it. Several checkouts of the project on one
 * machine (another branch, another migration set) share the server: a template is stale only when
 * it is not current here and no run has used it for an hour.
 */
async function markTemplateUsed(admin: pg.Client, name: string): Promise<void> {
  await admin.query(`COMMENT ON DATABASE ${quoteIdent(name)} IS 'used ${Date.now()}'`);
}

/** Drops test databases left behind by earlier runs that were killed before their teardown. */
export async function dropStaleTestDatabases(olderThanMinutes = 60): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  try {
    const current = templateName();
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database
        WHERE (datname LIKE 'cgp_template_%' AND datname <> $1
               AND coalesce(substring(shobj_description(oid, 'pg_database') FROM '^used (\\d+)$'), '0')::bigint < $2)
           OR (datname LIKE 'cgp_test_%'
               AND (regexp_replace(datname, '^cgp_test_(\\d+)_.*$', '\\1'))::bigint < $2)`,
      [current, Date.now() - olderThanMinutes * 60_000],
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

export { splitDatabaseUrl };
