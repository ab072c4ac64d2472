import type { Env } from '@cgp/api';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { peakMemoryMiB } from './report';

export interface ApiProcess {
  child: ChildProcess;
  port: number;
  /** Stops the API and returns its peak resident memory in MiB. */
  stop(): Promise<number>;
}

/**
 * The API in a process of its own, as in production, so the load generator does not share its
 * event loop. BENCH_PROFILE=1 also writes a CPU profile of it to /tmp/prof.
 */
export async function startApiProcess(env: Env): Promise<ApiProcess> {
  const child = fork(fileURLToPath(new URL('./serve-api.ts', import.meta.url)), {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
    ],
    env: {
      ...process.env,
      DATABASE_URL: env.DATABASE_URL,
      REDIS_URL: env.REDIS_URL,
      REDIS_PREFIX: env.REDIS_PREFIX,
      NODE_ENV: 'production',
      // Production refuses to start without these; the benchmarks never reach the processor.
      PUBLIC_URL: 'https://bench.invalid',
      STRIPE_SECRET_KEY: 'sk_test_bench_never_used',
      STRIPE_WEBHOOK_SECRET: 'whsec_bench_never_used',
      DEMO: 'false',
    },
  });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m: { port: number }) => resolve(m.port)),
  );
  return {
    child,
    port,
    async stop() {
      const peak = peakMemoryMiB(child.pid);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      return peak;
    },
  };
}
