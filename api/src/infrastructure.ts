import { createDatabase, ensureDatabase, redactUrl, runMigrations, type Database } from '@cgp/db';
import type pg from 'pg';
import type { Env } from './env';
import type { Logger } from './logger';
import {
  connectRedis,
  CONNECT_TIMEOUT_MS,
  describeRedis,
  probeRedis,
  type RedisClient,
} from './redis';

export class StartupError extends Error {}

/**
 * Start-up checks (SPEC §11): PostgreSQL and Redis must answer within seconds, or start-up fails
 * with a message naming the URL. Creates the database if absent and runs the migrations.
 */
export async function connectInfrastructure(
  env: Env,
  logger: Logger,
): Promise<{ database: Database; redis: RedisClient }> {
  const [pgResult, redisResult] = await Promise.allSettled([
    ensureDatabase(env.DATABASE_URL, CONNECT_TIMEOUT_MS),
    probeRedis(env),
  ]);
  const problems: string[] = [];
  if (pgResult.status === 'rejected') {
    problems.push(
      `PostgreSQL is unreachable at ${redactUrl(env.DATABASE_URL)} (DATABASE_URL): ${describe(pgResult.reason)}`,
    );
  }
  if (redisResult.status === 'rejected') {
    problems.push(
      `Redis is unreachable at ${describeRedis(env)}: ${describe(redisResult.reason)}`,
    );
  }
  if (problems.length) throw new StartupError(problems.join('\n'));
  if (pgResult.status === 'fulfilled' && pgResult.value === 'created') {
    logger.info({ url: redactUrl(env.DATABASE_URL) }, 'created database');
  }

  const database = createDatabase(env.DATABASE_URL);
  await withStartupLock(database.pool, () => runMigrations(database.db));
  logger.info('database migrated');
  return { database, redis: connectRedis(env, logger) };
}

/** Any number; the same in every process of the platform. */
const STARTUP_LOCK = 0x636770_5354; // 'cgp' 'ST'

/**
 * Runs `work` while holding a PostgreSQL advisory lock that every process of the platform takes
 * at start-up, so processes starting together on one database migrate it and seed it one at a
 * time: drizzle's migrator and the demo seed each assume they are alone. The lock is held by a
 * connection of its own and ends with it, so a process killed here never leaves it taken.
 */
export async function withStartupLock<T>(pool: pg.Pool, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK]);
    }
  } finally {
    client.release();
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return describe(error.errors[0]);
  const e = error as { message?: string; code?: string };
  return e.message || e.code || String(error);
}
