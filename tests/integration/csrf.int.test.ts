import { appRouter, startApiServer, type ApiServer } from '@cgp/api';
import { createTestDeps, tokenFor, type TestDeps } from '@cgp/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let deps: TestDeps;
let api: ApiServer;
let base: string;
const cookies: Record<string, string> = {};
beforeAll(async () => {
  deps = await createTestDeps();
  api = await startApiServer(deps, 0);
  base = `http://127.0.0.1:${api.port}`;
  const f = deps.factories;
  const market = await f.createMarketplace();
  const ops = await f.createPropertyUser(market.community.companyId, 'property_ops');
  for (const [role, id] of [
    ['resident', market.resident.id],
    ['owner', market.owner.id],
    ['ops', ops.id],
  ] as const) {
    cookies[role] = `cgp_session=${await tokenFor(deps, id)}`;
  }
});
afterAll(async () => {
  await api.close();
  await deps.teardown();
});

/** The signed-in user a mutation is meant for, so a refusal is the CSRF check's, not the role's. */
function cookieFor(path: string): string {
  if (path.startsWith('merchant.')) return cookies.owner!;
  if (/^(settlement|audit|commission|ops|console)\./.test(path)) return cookies.ops!;
  return cookies.resident!;
}

async function rowCounts(): Promise<Record<string, number>> {
  const { rows } = await deps.database.pool.query<{ table: string; n: string }>(`
    SELECT format('%I.%I', schemaname, relname) AS table,
           (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', schemaname, relname), false, true, '')))[1]::text AS n
      FROM pg_stat_user_tables WHERE schemaname = 'public'`);
  return Object.fromEntries(rows.map((r) => [r.table, Number(r.n)]));
}

const mutations = Object.entries(
  (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })
    ._def.procedures,
)
  .filter(([, p]) => p._def.type === 'mutation')
  .map(([path]) => path);

/** What a page on another origin (or a sibling subdomain) can make a browser send with the cookie. */
function forgedRequests(path: string): { name: string; init: RequestInit }[] {
  const cookie = cookieFor(path);
  const form = new FormData();
  form.set('0', JSON.stringify({ id: '00000000-0000-0000-0000-000000000000' }));
  return [
    {
      name: 'multipart/form-data from another site',
      init: {
        method: 'POST',
        headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        body: form,
      },
    },
    {
      name: 'text/plain from a sibling subdomain',
      init: {
        method: 'POST',
        headers: {
          cookie,
          origin: 'http://shop.127.0.0.1.nip.io',
          'sec-fetch-site': 'same-site',
          'content-type': 'text/plain',
        },
        body: '{}',
      },
    },
    {
      name: 'text/plain with no origin headers at all',
      init: { method: 'POST', headers: { cookie, 'content-type': 'text/plain' }, body: '{}' },
    },
    {
      name: 'JSON from another port of this host',
      init: {
        method: 'POST',
        headers: {
          cookie,
          origin: `http://127.0.0.1:${api.port + 1}`,
          'content-type': 'application/json',
        },
        body: '{}',
      },
    },
  ];
}

describe('CSRF', () => {
  it('refuses every mutation posted cross-origin with the cookie, changing nothing', async () => {
    expect(mutations.length).toBeGreaterThan(20);
    const before = await rowCounts();
    const accepted: string[] = [];
    for (const path of mutations) {
      for (const { name, init } of forgedRequests(path)) {
        const res = await fetch(`${base}/trpc/${path}`, init);
        const text = await res.text();
        if (res.status !== 403 && res.status !== 415) {
          accepted.push(`${path} (${name}): ${res.status} ${text.slice(0, 120)}`);
        }
      }
    }
    expect(accepted).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  });

  it('accepts the same mutation from our own page, and from a Bearer client with no origin', async () => {
    const own = await fetch(`${base}/trpc/auth.logout`, {
      method: 'POST',
      headers: {
        cookie: `cgp_session=${await tokenFor(deps, (await deps.factories.createResident()).id)}`,
        'content-type': 'application/json',
        'sec-fetch-site': 'same-origin',
        origin: base,
      },
    });
    expect(own.status).toBe(200);
    const byOrigin = await fetch(`${base}/trpc/auth.logout`, {
      method: 'POST',
      headers: {
        cookie: `cgp_session=${await tokenFor(deps, (await deps.factories.createResident()).id)}`,
        'content-type': 'application/json',
        origin: base,
      },
    });
    expect(byOrigin.status).toBe(200);
    const bearer = await fetch(`${base}/trpc/auth.logout`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await tokenFor(deps, (await deps.factories.createResident()).id)}`,
        'content-type': 'application/json',
      },
    });
    expect(bearer.status).toBe(200);
  });
});
