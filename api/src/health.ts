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

async function probe(check: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await withTimeout(check(), 2_000);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
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
      probe(() => deps.db.execute(sql`SELECT 1`)),
      probe(() => deps.redis.ping()),
    ]);
    const ok = database.ok && redis.ok;
    res.status(ok ? 200 : 503).json({ ok, checks: { database, redis } });
  });
  return routes;
}
