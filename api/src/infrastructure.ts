import { createDatabase, ensureDatabase, redactUrl, runMigrations, type Database } from '@cgp/db';
import { Redis, type RedisOptions } from 'ioredis';
import type pg from 'pg';
import type { Env } from './env';
import type { Logger } from './logger';

export class StartupError extends Error {}

const CONNECT_TIMEOUT_MS = 4_000;

/** Connects to Redis once, without retrying, to tell quickly whether it is there. */
async function probeRedis(url: string): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } finally {
    probe.disconnect();
  }
}

/** Options for long-lived Redis connections: reconnect forever, but never hang a request. */
export const redisOptions: RedisOptions = {
  maxRetriesPerRequest: 2,
  connectTimeout: CONNECT_TIMEOUT_MS,
};

export function connectRedis(url: string, logger: Logger, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, { ...redisOptions, ...options });
  let warned = false;
  redis.on('error', (error) => {
    if (!warned) logger.warn({ err: error, url: redactUrl(url) }, 'Redis connection error');
    warned = true;
  });
  redis.on('ready', () => {
    warned = false;
  });
  return redis;
}

/**
 * Start-up checks (SPEC §11): PostgreSQL and Redis must answer within seconds, or start-up fails
 * with a message naming the URL. Creates the database if absent and runs the migrations.
 */
export async function connectInfrastructure(
  env: Env,
  logger: Logger,
): Promise<{ database: Database; redis: Redis }> {
  const [pgResult, redisResult] = await Promise.allSettled([
    ensureDatabase(env.DATABASE_URL, CONNECT_TIMEOUT_MS),
    probeRedis(env.REDIS_URL),
  ]);
  const problems: string[] = [];
  if (pgResult.status === 'rejected') {
    problems.push(
      `PostgreSQL is unreachable at ${redactUrl(env.DATABASE_URL)} (DATABASE_URL): ${describe(pgResult.reason)}`,
    );
  }
  if (redisResult.status === 'rejected') {
    problems.push(
      `Redis is unreachable at ${redactUrl(env.REDIS_URL)} (REDIS_URL): ${describe(redisResult.reason)}`,
    );
  }
  if (problems.length) throw new StartupError(problems.join('\n'));
  if (pgResult.status === 'fulfilled' && pgResult.value === 'created') {
    logger.info({ url: redactUrl(env.DATABASE_URL) }, 'created database');
  }

  const database = createDatabase(env.DATABASE_URL);
  await withStartupLock(database.pool, () => runMigrations(database.db));
  logger.info('database migrated');
  return { database, redis: connectRedis(env.REDIS_URL, logger) };
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
