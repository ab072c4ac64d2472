import type { Database } from '@cgp/db';
import type { AppDeps } from './deps';
import type { Env } from './env';
import { connectInfrastructure } from './infrastructure';
import type { Logger } from './logger';
import { LoginLimiter } from './modules/identity/login-limiter';
import { isEmpty, seedDemo } from './seed/demo';

/**
 * Everything a process of the platform needs before it serves: reachable, migrated PostgreSQL,
 * reachable Redis, and in demo mode the demo data in an empty database.
 */
export async function bootstrap(
  env: Env,
  logger: Logger,
): Promise<{
  deps: AppDeps;
  database: Database;
  close(): Promise<void>;
}> {
  const { database, redis } = await connectInfrastructure(env, logger);
  if (env.DEMO && (await isEmpty(database.db))) {
    await seedDemo(database.db, { timeZone: env.TZ_BUSINESS });
    logger.info('seeded demo data into the empty database');
  }
  const deps: AppDeps = {
    db: database.db,
    redis,
    env,
    logger,
    loginLimiter: new LoginLimiter(redis, env.REDIS_PREFIX),
  };
  return {
    deps,
    database,
    async close() {
      redis.disconnect();
      await database.close();
    },
  };
}
