import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { RedisClient } from '../../redis';

export interface LoginLimits {
  /** Guesses at one account from one source (IP) per window: the attacker's own address. */
  guessesPerAccountAndSource: number;
  /** Guesses from one source across all accounts per window (credential stuffing). */
  guessesPerSource: number;
  /** Guesses at one account from sources it has never signed in from that go undelayed. */
  freeGuessesPerAccount: number;
  /** The first delay after the free guesses; each further guess doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  windowSeconds: number;
  /** How long a source the owner signed in from stays exempt from the account's delays. */
  knownSourceDays: number;
}

/**
 * OWASP ASVS V2.2 / NIST 800-63B throttling: a hard cap per account and source, growing delays
 * (not a lock) per account for unfamiliar sources, and the owner's own addresses exempt from
 * the delays that strangers' guesses cause.
 */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  guessesPerAccountAndSource: 10,
  guessesPerSource: 100,
  freeGuessesPerAccount: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  windowSeconds: 15 * 60,
  knownSourceDays: 90,
};

/** What `reserve` decided: go ahead and check the password, or wait this many seconds. */
export type LoginReservation =
  | { allowed: true; release: (outcome: 'success' | 'failure') => Promise<void> }
  | { allowed: false; retryAfterSeconds: number };

/*
 * One guess at one account, reserved atomically before its password check runs, so parallel or
 * batched guesses can never get more checks than the limits allow.
 * KEYS: 1 guesses from this source at this account, 2 the account's delay state (n, next),
 *       3 marker that the owner signed in from this source.
 * ARGV: now ms, window ms, per account+source cap, free guesses, base delay ms, max delay ms.
 * Returns 0 (go; 1 if the account's delay budget was used) or -waitMs.
 */
const RESERVE_SCRIPT = `
local bySource = redis.call('INCR', KEYS[1])
if bySource == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if bySource > tonumber(ARGV[3]) then
  redis.call('DECR', KEYS[1])
  return -math.max(redis.call('PTTL', KEYS[1]), 1)
end
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local now = tonumber(ARGV[1])
local nextAt = tonumber(redis.call('HGET', KEYS[2], 'next') or '0')
if now < nextAt then
  redis.call('DECR', KEYS[1])
  return -(nextAt - now)
end
local n = redis.call('HINCRBY', KEYS[2], 'n', 1)
local free = tonumber(ARGV[4])
local delay = 0
if n > free then delay = math.min(tonumber(ARGV[5]) * 2 ^ (n - free - 1), tonumber(ARGV[6])) end
redis.call('HSET', KEYS[2], 'next', now + delay)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`;

type ReserveCommand = (
  sourceKey: string,
  accountKey: string,
  knownKey: string,
  ...args: (string | number)[]
) => Promise<number>;

/**
 * Counts login guesses in Redis, so every API instance sees the same counts. Each guess is
 * reserved before its (costly, argon2) check and released by its outcome. If Redis is
 * unavailable an in-process limiter per account and source stands in rather than failing logins.
 */
export class LoginLimiter {
  private readonly bySource: RateLimiterAbstract;
  private readonly fallback: RateLimiterMemory;
  private readonly reserveScript: ReserveCommand;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.bySource = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:login:source`,
      points: limits.guessesPerSource,
      duration: limits.windowSeconds,
      insuranceLimiter: new RateLimiterMemory({
        points: limits.guessesPerSource,
        duration: limits.windowSeconds,
      }),
    });
    this.fallback = new RateLimiterMemory({
      points: limits.guessesPerAccountAndSource,
      duration: limits.windowSeconds,
    });
    const name = 'cgpReserveLoginGuess';
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 3, lua: RESERVE_SCRIPT });
    const command = (redis as unknown as Record<string, ReserveCommand>)[name]!;
    this.reserveScript = command.bind(redis);
  }

  /** The account's keys share one hash tag, so the script works on a Redis Cluster too. */
  private keys(account: string, source: string) {
    const base = `${this.prefix}:login:{${account}}`;
    return {
      source: `${base}:from:${source}`,
      account: `${base}:delay`,
      known: `${base}:known:${source}`,
    };
  }

  /**
   * Reserves one guess at `account` from `source`. When allowed, the caller checks the password
   * and then calls `release` with the outcome: a success clears the account's counts and makes
   * the source one of the owner's own; a failure leaves the guess counted.
   */
  async reserve(account: string, source: string): Promise<LoginReservation> {
    const refusedBySource = await refusal(this.bySource.consume(source));
    if (refusedBySource) return { allowed: false, retryAfterSeconds: secondsOf(refusedBySource) };
    const keys = this.keys(account, source);
    const l = this.limits;
    let result: number;
    try {
      result = await this.reserveScript(
        keys.source,
        keys.account,
        keys.known,
        this.now(),
        l.windowSeconds * 1000,
        l.guessesPerAccountAndSource,
        l.freeGuessesPerAccount,
        l.baseDelayMs,
        l.maxDelayMs,
      );
    } catch {
      result = -(await refusal(this.fallback.consume(`${account}|${source}`)));
    }
    if (result < 0) {
      await this.bySource.reward(source).catch(() => undefined);
      return { allowed: false, retryAfterSeconds: secondsOf(-result) };
    }
    return {
      allowed: true,
      release: async (outcome) => {
        if (outcome === 'failure') return;
        await Promise.allSettled([
          this.redis.del(keys.source, keys.account),
          this.redis.set(keys.known, '1', 'EX', l.knownSourceDays * 86_400),
          this.bySource.reward(source),
        ]);
      },
    };
  }
}

/** 0 when `consume` let the point through, else the milliseconds until it would. */
async function refusal(consume: Promise<RateLimiterRes>): Promise<number> {
  try {
    await consume;
    return 0;
  } catch (rejection) {
    // A store error (not a refusal) must not lock everyone out: let the guess through.
    return rejection instanceof RateLimiterRes ? Math.max(rejection.msBeforeNext, 1) : 0;
  }
}

const secondsOf = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
