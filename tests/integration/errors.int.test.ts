import { startApiServer, type ApiServer } from '@cgp/api';
import { createTestDeps, tokenFor, type TestDeps } from '@cgp/api/testing';
import { createDatabase } from '@cgp/db';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toTRPCError } from '../../api/src/errors';

let deps: TestDeps;
let api: ApiServer;
let base: string;
beforeAll(async () => {
  deps = await createTestDeps();
  api = await startApiServer(deps, 0);
  base = `http://127.0.0.1:${api.port}`;
});
afterAll(async () => {
  await api.close();
  await deps.teardown();
});

/** An API whose PostgreSQL and Redis are gone, as after an outage. */
async function brokenApi() {
  const database = createDatabase(deps.database.url, { max: 1 });
  await database.close();
  const redis = new Redis('redis://127.0.0.1:1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  const broken = await startApiServer({ ...deps, db: database.db, redis }, 0);
  return { url: `http://127.0.0.1:${broken.port}`, close: broken.close };
}

describe('errors leak nothing', () => {
  it('has /readyz name the dependency that is down, not its error', async () => {
    const broken = await brokenApi();
    try {
      const res = await fetch(`${broken.url}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toEqual({
        ok: false,
        checks: { database: { ok: false }, redis: { ok: false } },
        down: ['database', 'redis'],
      });
    } finally {
      await broken.close();
    }
  });

  it('answers an unmapped failure with a generic message and the request id, nothing else', async () => {
    const resident = await deps.factories.createResident();
    const token = await tokenFor(deps, resident.id);
    const broken = await brokenApi();
    try {
      // The session lookup itself fails: the error names the pool; the client must not see it.
      const res = await fetch(`${broken.url}/trpc/order.list`, {
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-leak-check-1' },
      });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).toContain('request id req-leak-check-1');
      expect(text).not.toMatch(/pool|SELECT|sessions|at .*\.ts/i);
    } finally {
      await broken.close();
    }
  });

  it('refuses a NUL byte in text as a 400, before it reaches anything', async () => {
    const resident = await deps.factories.createResident();
    const token = await tokenFor(deps, resident.id);
    const res = await fetch(`${base}/trpc/order.cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: '00000000-0000-4000-8000-000000000000', reason: 'a\u0000b' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('NUL');
  });

  it("turns PostgreSQL's data exceptions (class 22) into 400s", async () => {
    for (const statement of [
      sql`SELECT ${'a\u0000b'}::text`, // 22021 invalid byte sequence
      sql`SELECT repeat('x', 3)::varchar(1)::char(1), 1 / ${0}::int`, // 22012 division by zero
      sql`SELECT ${'99999999999999999999'}::int`, // 22003 out of range
    ]) {
      const error = await deps.db.execute(statement).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).not.toBeNull();
      const mapped = toTRPCError(error);
      expect(mapped?.code).toBe('BAD_REQUEST');
      expect(mapped?.message).not.toMatch(/SELECT|\$1/);
    }
  });
});
