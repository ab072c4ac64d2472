import type { Db } from '@cgp/db';
import type { Redis } from 'ioredis';
import type { Env } from './env';
import type { Logger } from './logger';
import type { LoginLimiter } from './modules/identity/login-limiter';

/** The long-lived things every request uses, built once at start-up (or per test file). */
export interface AppDeps {
  db: Db;
  redis: Redis;
  env: Env;
  logger: Logger;
  loginLimiter: LoginLimiter;
}
