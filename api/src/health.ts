import { sql } from 'drizzle-orm';
import type { Router } from 'express';
import express from 'express';
import type { AppDeps } from './deps';

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms),
    ),
  ]);
}

/** Whether a dependency answers; why not goes to the log, never to the (public) response. */
async function probe(
  deps: AppDeps,
  dependency: string,
  check: () => Promise<unknown>,
): Promise<{ ok: boolean }> {
  try {
    await withTimeout(check(), 2_000);
    return { ok: true };
  } catch (error) {
    deps.logger.warn({ err: error, dependency }, 'readiness check failed');
    return { ok: false };
  }
}

/** `/healthz`: the process answers. `/readyz`: it can reach PostgreSQL and Redis too. */
export function healthRoutes(deps: AppDeps): Router {
  const routes = express.Router();
  routes.get('/healthz', (_req, res) => {
    res.json({ ok: true, uptimeSeconds: Math.round(process.uptime()) });
  });
  routes.get('/readyz', async (_req, res) => {
    const [database, redis] = await Promise.all([
      probe(deps, 'database', () => deps.db.execute(sql`SELECT 1`)),
      probe(deps, 'redis', () => deps.redis.ping()),
    ]);
    const checks = { database, redis };
    const down = Object.entries(checks)
      .filter(([, c]) => !c.ok)
      .map(([name]) => name);
    res.status(down.length ? 503 : 200).json({ ok: !down.length, checks, down });
  });
  return routes;
}
