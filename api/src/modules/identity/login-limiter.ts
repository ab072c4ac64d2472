import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

export interface LoginLimits {
  failuresPerPhone: number;
  failuresPerIp: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  failuresPerPhone: 10,
  failuresPerIp: 100,
  windowSeconds: 15 * 60,
};

/**
 * Counts failed logins per phone and per IP in Redis, so every API instance sees the same
 * counts. If Redis is unavailable an in-process limiter stands in rather than letting logins fail.
 */
export class LoginLimiter {
  private readonly byPhone: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;

  constructor(
    redis: Redis,
    prefix: string,
    readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    const make = (name: string, points: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}:login-fail:${name}`,
        points,
        duration: limits.windowSeconds,
        insuranceLimiter: new RateLimiterMemory({ points, duration: limits.windowSeconds }),
      });
    this.byPhone = make('phone', limits.failuresPerPhone);
    this.byIp = make('ip', limits.failuresPerIp);
  }

  /** Seconds until another attempt is allowed, or 0 when this phone and IP may try now. */
  async blockedFor(phone: string, ip: string): Promise<number> {
    const [phoneRes, ipRes] = await Promise.all([this.byPhone.get(phone), this.byIp.get(ip)]);
    let wait = 0;
    if (phoneRes && phoneRes.consumedPoints >= this.limits.failuresPerPhone) {
      wait = Math.max(wait, phoneRes.msBeforeNext);
    }
    if (ipRes && ipRes.consumedPoints >= this.limits.failuresPerIp) {
      wait = Math.max(wait, ipRes.msBeforeNext);
    }
    return Math.ceil(wait / 1000);
  }

  async recordFailure(phone: string, ip: string): Promise<void> {
    // consume() rejects once the limit is passed; the count is still recorded, which is all we need.
    await Promise.allSettled([this.byPhone.consume(phone), this.byIp.consume(ip)]);
  }

  async recordSuccess(phone: string): Promise<void> {
    await this.byPhone.delete(phone).catch(() => undefined);
  }
}
