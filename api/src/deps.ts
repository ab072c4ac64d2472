import type { Db } from '@cgp/db';
import type { Env } from './env';
import type { Logger } from './logger';
import type { LoginLimiter } from './modules/identity/login-limiter';
import type { Payments } from './modules/payments/stripe-client';
import type { RedisClient } from './redis';

/** The long-lived things every request uses, built once at start-up (or per test file). */
export interface AppDeps {
  db: Db;
  redis: RedisClient;
  env: Env;
  logger: Logger;
  loginLimiter: LoginLimiter;
  /** Stripe or the sandbox; absent only where no processor was started (most tests, benchmarks). */
  payments?: Payments;
}
