import autocannon from 'autocannon';
import { cpuPerRequest } from './cpu';

/** Seconds of the same load sent before each measurement and not counted (BENCH_WARMUP). */
export const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 5);

export interface HttpLoadResult {
  result: autocannon.Result;
  /** Milliseconds of CPU per answered request: the API, the load generator, PostgreSQL. */
  cpuMs: Record<string, number>;
}

/**
 * autocannon's run, after a warm-up of the same load: a process just started runs its code
 * unoptimised for its first few thousand requests, which is not the steady state a server spends
 * its life in. Also says where the measured run's CPU went.
 */
export async function httpLoad(
  options: autocannon.Options,
  apiPid: number | undefined,
): Promise<HttpLoadResult> {
  if (WARMUP_SECONDS > 0) await autocannon({ ...options, duration: WARMUP_SECONDS });
  const { result, perRequestMs } = await cpuPerRequest(
    { api: apiPid ? [apiPid] : [], 'load generator': [process.pid] },
    () => autocannon(options),
    (r) => r.requests.total,
  );
  return { result, cpuMs: perRequestMs };
}

export function cpuText(cpuMs: Record<string, number>): string {
  return Object.entries(cpuMs)
    .map(([k, v]) => `${k} ${v.toFixed(2)} ms`)
    .join(', ');
}
