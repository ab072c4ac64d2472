import { createFactories, createTestDatabase, type TestDatabase } from '@cgp/db/testing';
import { randomBytes } from 'node:crypto';
import { createContextInner } from '../context';
import type { AppDeps } from '../deps';
import { loadEnv, type Env } from '../env';
import { Cluster } from 'ioredis';
import { connectRedis, type RedisClient } from '../redis';
import { createLogger } from '../logger';
import { LoginLimiter } from '../modules/identity/login-limiter';
import { createSession } from '../modules/identity/session.service';
import { createCaller } from '../router';

export interface TestDeps extends AppDeps {
  database: TestDatabase;
  factories: ReturnType<typeof createFactories>;
  /** Closes Redis, deletes this file's Redis keys and drops its database. */
  teardown(): Promise<void>;
}

/**
 * Everything a test file needs: its own migrated database, Redis under a key prefix nobody else
 * uses, and the same deps the server builds at start-up.
 */
export async function createTestDeps(
  overrides: Partial<Record<keyof Env, string>> = {},
): Promise<TestDeps> {
  const database = await createTestDatabase();
  const prefix = `cgp-test-${randomBytes(6).toString('hex')}`;
  const env = loadEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATABASE_URL: database.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    // The test run's Redis Cluster, when it has one, unless this test brings its own Redis.
    REDIS_CLUSTER_NODES: overrides.REDIS_URL ? undefined : process.env.TEST_REDIS_CLUSTER_NODES,
    REDIS_PREFIX: prefix,
    DEMO: 'false',
    ...overrides,
  });
  const logger = createLogger(env.LOG_LEVEL);
  const redis = connectRedis(env, logger);
  return {
    db: database.db,
    redis,
    env,
    logger,
    loginLimiter: new LoginLimiter(redis, prefix),
    database,
    factories: createFactories(database.db),
    async teardown() {
      await deleteKeys(redis, prefix).catch(() => undefined);
      redis.disconnect();
      await database.drop();
    },
  };
}

/** Deletes the keys under a prefix, queues' hash-tagged ones included, on every master. */
async function deleteKeys(redis: RedisClient, prefix: string): Promise<void> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    const keys = [...(await node.keys(`${prefix}*`)), ...(await node.keys(`{${prefix}*`))];
    // One key per command: on a cluster, keys of different slots cannot share a DEL.
    await Promise.all(keys.map((key) => redis.unlink(key)));
  }
}

/** A session token for a user, as if they had logged in. */
export async function tokenFor(deps: AppDeps, userId: string): Promise<string> {
  const { token } = await createSession(deps.db, {
    userId,
    ttlHours: 1,
    userAgent: 'test',
    ip: '127.0.0.1',
  });
  return token;
}

/** A tRPC caller acting as `userId` (or anonymous), without HTTP. */
export async function callerFor(deps: AppDeps, userId?: string) {
  const token = userId ? await tokenFor(deps, userId) : null;
  return createCaller(await createContextInner({ deps, token }));
}
