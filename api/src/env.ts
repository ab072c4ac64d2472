import { userInfo } from 'node:os';
import { z } from 'zod';

const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((v) => protocols.some((p) => v.startsWith(`${p}:`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

/** A positive whole number with a default (durations, counts). */
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: url(['postgres', 'postgresql']).default('postgres://localhost:5432/community'),
  REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
  /**
   * A Redis Cluster's seed nodes, `host:port` separated by commas; the cluster then carries the
   * queues and limits instead of the one server at REDIS_URL (whose user, password and TLS apply).
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, 'must be host:port[,host:port…]')
    .transform((v) => v.split(','))
    .default([]),
  /** Namespaces every Redis key and BullMQ queue, so several deployments can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]+$/i)
    .default('cgp'),
  PUBLIC_URL: url(['http', 'https']).optional(),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Port of the embedded payment sandbox (no STRIPE_SECRET_KEY); PORT + 1 by default, 0 = any. */
  STRIPE_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /**
   * Without STRIPE_SECRET_KEY, whether an API process serves the sandbox on STRIPE_SANDBOX_PORT
   * (`serve`, the default) or is a client of the one a sibling serves (`connect`): with several
   * API processes, one serves it and the others connect.
   */
  STRIPE_SANDBOX_MODE: z.enum(['serve', 'connect']).default('serve'),
  /** Address the sandbox listens on: loopback unless told (a phone on the LAN, say: 0.0.0.0). */
  STRIPE_SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  SETTLEMENT_CRON: z.string().min(1).default('0 2 * * *'),
  TZ_BUSINESS: z.string().min(1).default('Asia/Shanghai'),
  DEMO: booleanFlag.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: positiveInt(24 * 30),
  /** A session unused this long ends (residents and merchants). */
  SESSION_IDLE_HOURS: positiveInt(24 * 7),
  /** A property or platform staff session unused this long ends: they handle money and data. */
  STAFF_SESSION_IDLE_MINUTES: positiveInt(120),
  // Order timers (SPEC §3); configurable so tests can use seconds.
  PAYMENT_TIMEOUT_SECONDS: positiveInt(15 * 60),
  ACCEPT_SLA_SECONDS: positiveInt(15 * 60),
  AUTO_CONFIRM_SECONDS: positiveInt(48 * 3600),
  DEFAULT_RATING_SECONDS: positiveInt(7 * 24 * 3600),
  /** How often the sweeper looks in PostgreSQL for timers that are overdue. */
  TIMER_SWEEP_SECONDS: positiveInt(30),
  /**
   * A refund still pending this long after it was due (decided, or last sent) is sent again by
   * the sweeper: longer than a refund job's retries take, so only a lost or given-up job is redone.
   */
  REFUND_RESEND_SECONDS: positiveInt(10 * 60),
  /**
   * A payout still pending this long after it was due (decided, retried, or last sent) is sent
   * again by the payout sweeper: longer than a payout job's own retries take.
   */
  PAYOUT_RESEND_SECONDS: positiveInt(10 * 60),
  /**
   * A scheduled run (settlement, reconciliation) not done this long after it fell due was lost
   * with its job; its sweeper makes it.
   */
  SCHEDULE_GRACE_SECONDS: positiveInt(15 * 60),
  /** A job's lock in BullMQ: a killed worker's job is picked up again after about this long. */
  JOB_LOCK_MS: positiveInt(30_000),
  /** How often the outbox relay looks for work to hand to the queues. */
  OUTBOX_POLL_MS: positiveInt(500),
  /** Photos (finished work, reviews, dispute evidence): local folder unless S3_BUCKET is set. */
  UPLOAD_DIR: z.string().min(1).default('var/uploads'),
  UPLOAD_MAX_BYTES: positiveInt(10 * 1024 * 1024),
  /** An S3-compatible store for photos; credentials come from the AWS SDK's usual variables. */
  S3_BUCKET: z.string().min(1).optional(),
  S3_ENDPOINT: url(['http', 'https']).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
});

/**
 * Rules zod's object parse would skip once another variable has failed; checked on their own so
 * one run names every problem.
 */
function crossFieldIssues(source: Record<string, string | undefined>): string[] {
  const issues: string[] = [];
  if (source.TZ_BUSINESS && !isTimeZone(source.TZ_BUSINESS)) {
    issues.push('TZ_BUSINESS: is not a known time zone');
  }
  if (source.STRIPE_SECRET_KEY && !source.STRIPE_WEBHOOK_SECRET) {
    issues.push('STRIPE_WEBHOOK_SECRET: is required when STRIPE_SECRET_KEY is set');
  }
  if (source.NODE_ENV === 'production') issues.push(...productionIssues(source));
  return issues;
}

/**
 * What production refuses to run with: the payment sandbox (anyone could mark an order paid
 * with no money moved), plain http (cookies and card pages in the clear), unsigned webhooks.
 */
function productionIssues(source: Record<string, string | undefined>): string[] {
  const issues: string[] = [];
  if (!source.STRIPE_SECRET_KEY) {
    issues.push(
      'STRIPE_SECRET_KEY: is required in production; without it the payment sandbox would run and orders could be marked paid with no money moved',
    );
  }
  if (!source.STRIPE_WEBHOOK_SECRET) {
    issues.push('STRIPE_WEBHOOK_SECRET: is required in production to verify payment webhooks');
  }
  if (!source.PUBLIC_URL) {
    issues.push('PUBLIC_URL: is required in production and must be an https:// address');
  } else if (!source.PUBLIC_URL.startsWith('https://')) {
    issues.push(
      'PUBLIC_URL: must be https:// in production (session cookies and payments need TLS)',
    );
  }
  return issues;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export type Env = z.output<typeof envSchema> & {
  PUBLIC_URL: string;
  DEMO: boolean;
  STRIPE_SANDBOX_PORT: number;
};

/** Like libpq, a URL without a user name connects as PGUSER or the operating-system user. */
function withDefaultUser(url: string, pgUser: string | undefined): string {
  const parsed = new URL(url);
  if (parsed.username) return url;
  parsed.username = pgUser || userInfo().username;
  return parsed.toString();
}

export class ConfigError extends Error {}

/**
 * Reads the configuration (SPEC §11) from the environment. The only place that reads
 * `process.env`; throws a ConfigError naming every variable that is wrong.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(present);
  const problems = [
    ...(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []),
    ...crossFieldIssues(present),
  ];
  if (!parsed.success || problems.length) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  const env = parsed.data;
  return {
    ...env,
    DATABASE_URL: withDefaultUser(env.DATABASE_URL, source.PGUSER),
    PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    DEMO: env.DEMO ?? env.NODE_ENV !== 'production',
    // A fixed port keeps the sandbox's hosted-page links valid across restarts.
    STRIPE_SANDBOX_PORT:
      env.STRIPE_SANDBOX_PORT ?? (env.PORT > 0 && env.PORT < 65535 ? env.PORT + 1 : 0),
  };
}
