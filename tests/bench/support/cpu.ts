import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function ticksOf(pid: number | string): { comm: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat (12 and 13 after the comm).
    return { comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null; // the process has exited
  }
}

/** CPU time used so far by the given processes and by every PostgreSQL server process. */
function sample(pids: Record<string, number[]>): Record<string, number> {
  const out: Record<string, number> = { postgres: 0 };
  for (const [name, list] of Object.entries(pids)) {
    out[name] = list.reduce((sum, pid) => sum + (ticksOf(pid)?.ticks ?? 0), 0);
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = ticksOf(entry);
    if (p?.comm === 'postgres') out.postgres! += p.ticks;
  }
  return out;
}

/**
 * Where a measured run's CPU went: milliseconds of CPU per request in each named process group
 * and in PostgreSQL (backends that exited during the run are not counted).
 */
export async function cpuPerRequest<T>(
  pids: Record<string, number[]>,
  run: () => Promise<T>,
  requests: (result: T) => number,
): Promise<{ result: T; perRequestMs: Record<string, number> }> {
  const before = sample(pids);
  const result = await run();
  const after = sample(pids);
  const n = Math.max(1, requests(result));
  const perRequestMs = Object.fromEntries(
    Object.keys(after).map((k) => [
      k,
      Number((((after[k]! - before[k]!) * TICK_MS) / n).toFixed(3)),
    ]),
  );
  return { result, perRequestMs };
}
