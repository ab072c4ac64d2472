import { redactUrl } from '@cgp/db';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Env } from './env';
import type { Logger } from './logger';

/** One Redis server or a Redis Cluster: the platform uses either through the same commands. */
export type RedisClient = Redis | Cluster;

export const CONNECT_TIMEOUT_MS = 4_000;

/** Options for long-lived Redis connections: reconnect forever, but never hang a request. */
export const redisOptions: RedisOptions = {
  maxRetriesPerRequest: 2,
  connectTimeout: CONNECT_TIMEOUT_MS,
};

type RedisTarget = Pick<Env, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>;

/** Where Redis is, for messages: the cluster's seed nodes or the URL, without a password. */
export function describeRedis(env: RedisTarget): string {
  return env.REDIS_CLUSTER_NODES.length
    ? `the Redis Cluster at ${env.REDIS_CLUSTER_NODES.join(',')} (REDIS_CLUSTER_NODES)`
    : `${redactUrl(env.REDIS_URL)} (REDIS_URL)`;
}

/**
 * Opens Redis as configured: a Cluster when REDIS_CLUSTER_NODES names its seed nodes (the user,
 * password and TLS of REDIS_URL then apply to every node), otherwise the one server at REDIS_URL.
 */
export function openRedis(env: RedisTarget, options: RedisOptions = {}): RedisClient {
  if (!env.REDIS_CLUSTER_NODES.length) return new Redis(env.REDIS_URL, options);
  const url = new URL(env.REDIS_URL);
  const nodeOptions: RedisOptions = {
    ...(url.username && { username: decodeURIComponent(url.username) }),
    ...(url.password && { password: decodeURIComponent(url.password) }),
    ...(url.protocol === 'rediss:' && { tls: {} }),
    ...options,
  };
  const { lazyConnect, retryStrategy, maxRetriesPerRequest, ...perNode } = nodeOptions;
  const clusterOptions: ClusterOptions = {
    lazyConnect,
    redisOptions: { ...perNode, maxRetriesPerRequest },
    // A cluster that cannot be reached at all gives up like a single server told not to retry.
    ...(retryStrategy && { clusterRetryStrategy: (times: number) => retryStrategy(times) }),
  };
  return new Cluster(
    env.REDIS_CLUSTER_NODES.map((node) => {
      const [host, port] = node.split(':');
      return { host: host!, port: Number(port) };
    }),
    clusterOptions,
  );
}

/** Connects once, without retrying, to tell quickly whether Redis (or the cluster) is there. */
export async function probeRedis(env: RedisTarget): Promise<void> {
  const probe = openRedis(env, {
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

/** A long-lived connection that logs its first error after each good spell, not every retry. */
export function connectRedis(
  env: RedisTarget,
  logger: Logger,
  options: RedisOptions = {},
): RedisClient {
  const redis = openRedis(env, { ...redisOptions, ...options });
  let warned = false;
  redis.on('error', (error) => {
    if (!warned) logger.warn({ err: error, redis: describeRedis(env) }, 'Redis connection error');
    warned = true;
  });
  redis.on('ready', () => {
    warned = false;
  });
  return redis;
}

/**
 * The BullMQ prefix of one queue. On a Redis Cluster every key a BullMQ script touches must hash
 * to one slot, so the prefix is a hash tag naming the deployment and the queue: each queue's keys
 * live together on one master, and different queues spread over the masters. On one Redis the
 * prefix stays the plain namespace it always was.
 */
export function queuePrefix(env: Pick<Env, 'REDIS_PREFIX' | 'REDIS_CLUSTER_NODES'>, queue: string) {
  return env.REDIS_CLUSTER_NODES.length
    ? `{${env.REDIS_PREFIX}:bull:${queue}}`
    : `${env.REDIS_PREFIX}:bull`;
}
