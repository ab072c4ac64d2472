import type { Database } from '@cgp/db';
import type { AppDeps } from './deps';
import type { Env } from './env';
import { connectInfrastructure, StartupError, withStartupLock } from './infrastructure';
import type { Logger } from './logger';
import { LoginLimiter } from './modules/identity/login-limiter';
import { createPayments, type PaymentsOptions } from './modules/payments/stripe-client';
import { photoStoreFor } from './modules/uploads/photo-store';
import { isEmpty, seedDemo } from './seed/demo';

/**
 * Everything a process of the platform needs before it serves: reachable, migrated PostgreSQL,
 * reachable Redis, in demo mode the demo data in an empty database, and the payment processor
 * (Stripe, or the embedded sandbox when no STRIPE_SECRET_KEY is set).
 */
export async function bootstrap(
  env: Env,
  logger: Logger,
  options: { paymentSandbox?: PaymentsOptions['sandbox'] } = {},
): Promise<{
  deps: AppDeps;
  database: Database;
  close(): Promise<void>;
}> {
  const { database, redis } = await connectInfrastructure(env, logger);
  const payments = await createPayments({
    env,
    pool: database.pool,
    logger,
    sandbox: options.paymentSandbox ?? env.STRIPE_SANDBOX_MODE,
  }).catch((error: unknown) => {
    throw new StartupError(
      `${(error as Error).message} (STRIPE_SANDBOX_PORT=${env.STRIPE_SANDBOX_PORT}; set STRIPE_SECRET_KEY to use Stripe)`,
    );
  });
  if (env.DEMO) {
    // Several processes starting on one empty database: one seeds, the others then find it full.
    await withStartupLock(database.pool, async () => {
      if (!(await isEmpty(database.db))) return;
      await seedDemo(database.db, {
        timeZone: env.TZ_BUSINESS,
        history: true,
        processor: { payments, env, logger },
        photos: photoStoreFor(env),
      });
      logger.info('seeded demo data into the empty database');
    });
  }
  const deps: AppDeps = {
    db: database.db,
    redis,
    env,
    logger,
    loginLimiter: new LoginLimiter(redis, env.REDIS_PREFIX),
    payments,
  };
  return {
    deps,
    database,
    async close() {
      await payments.close();
      redis.disconnect();
      await database.close();
    },
  };
}
