import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './redis-server';

const run = promisify(execFile);

/**
 * A Redis Cluster of three masters and no replicas for a test run: `redis-server
 * --cluster-enabled yes` on three free ports, each with its cluster state in a temporary
 * directory, joined by `redis-cli --cluster create`. Nothing is kept on disk after `stop()`.
 */
export class DisposableRedisCluster {
  private constructor(
    readonly ports: number[],
    private readonly dir: string,
    private readonly processes: ChildProcess[],
  ) {}

  /** `host:port` of every master, as REDIS_CLUSTER_NODES takes them. */
  get nodes(): string[] {
    return this.ports.map((port) => `127.0.0.1:${port}`);
  }

  static async start(masters = 3): Promise<DisposableRedisCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'cgp-redis-cluster-'));
    const ports: number[] = [];
    for (let i = 0; i < masters; i++) ports.push(await freePort());
    const processes = ports.map((port) =>
      spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        { stdio: 'ignore' },
      ),
    );
    const cluster = new DisposableRedisCluster(ports, dir, processes);
    try {
      await Promise.all(ports.map((port) => waitForPing(port)));
      await run('redis-cli', [
        '--cluster',
        'create',
        ...cluster.nodes,
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      await Promise.all(ports.map((port) => waitForClusterOk(port)));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }),
    );
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function withClient<T>(port: number, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Redis Cluster: ${what}`);
}

function waitForPing(port: number) {
  return waitFor(`redis-server on port ${port} did not start`, () =>
    withClient(port, async (r) => (await r.ping()) === 'PONG'),
  );
}

/** Every node agrees the 16,384 slots are served before the cluster takes work. */
function waitForClusterOk(port: number) {
  return waitFor(`node on port ${port} never reported cluster_state:ok`, () =>
    withClient(port, async (r) => (await r.cluster('INFO')).includes('cluster_state:ok')),
  );
}
