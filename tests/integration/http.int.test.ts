import { seedDemo } from '@cgp/api';
import { startApiServer, type ApiServer } from '@cgp/api';
import { createTestDeps, type TestDeps } from '@cgp/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let deps: TestDeps;
let api: ApiServer;
let base: string;

beforeAll(async () => {
  deps = await createTestDeps();
  await seedDemo(deps.db);
  api = await startApiServer(deps, 0);
  base = `http://127.0.0.1:${api.port}`;
});
afterAll(async () => {
  await api.close();
  await deps.teardown();
});

interface TrpcBody {
  result?: { data: unknown };
  error?: { message: string; data: { code: string; httpStatus: number; reason?: string } };
}

async function call(
  path: string,
  options: {
    input?: unknown;
    cookie?: string;
    bearer?: string;
    method?: 'GET' | 'POST';
    ip?: string;
  } = {},
) {
  const method = options.method ?? (path === 'auth.login' ? 'POST' : 'GET');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.cookie) headers.cookie = options.cookie;
  // What a browser on our own page sends; without it a cookie-carrying POST is refused (CSRF).
  if (options.cookie && method === 'POST') headers.origin = base;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.ip) headers['x-forwarded-for'] = options.ip;
  const url =
    method === 'GET' && options.input !== undefined
      ? `${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(options.input))}`
      : `${base}/trpc/${path}`;
  const res = await fetch(url, {
    method,
    headers,
    body: method === 'POST' ? JSON.stringify(options.input ?? null) : undefined,
  });
  return { res, body: (await res.json()) as TrpcBody };
}

async function login(phone: string, password = 'demo1234') {
  const { res, body } = await call('auth.login', { input: { phone, password } });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { res, body, setCookie, cookie: setCookie.split(';')[0]! };
}

describe('over HTTP', () => {
  it('reports health and readiness', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ok: true,
      checks: { database: { ok: true }, redis: { ok: true } },
      down: [],
    });
  });

  it('logs a demo resident in with an httpOnly SameSite=Lax cookie and lists 阳光花园 services', async () => {
    const { res, setCookie, cookie } = await login('13800000001');
    expect(res.status).toBe(200);
    expect(setCookie).toMatch(/^cgp_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const { body } = await call('catalog.services', { cookie });
    const services = (
      body.result!.data as {
        items: { titleZh: string; priceFen: number; merchant: { name: string } }[];
      }
    ).items;
    expect(services).toHaveLength(6);
    expect(new Set(services.map((s) => s.merchant.name))).toEqual(
      new Set(['阳光家政', '速达外卖', '爱帮看护']),
    );
    for (const s of services) expect(Number.isInteger(s.priceFen) && s.priceFen > 0).toBe(true);
  });

  it('lists 14 days of slots from today for a demo service', async () => {
    const { cookie } = await login('13800000002');
    const { body } = await call('catalog.services', {
      cookie,
      input: { category: 'housekeeping' },
    });
    expect(body.error).toBeUndefined();
    const cleaning = (body.result!.data as { items: { id: string; titleZh: string }[] }).items.find(
      (s) => s.titleZh === '日常保洁',
    )!;
    // From the start of today in the business zone: today's windows that have begun are listed too.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
      new Date(),
    );
    const from = new Date(`${today}T00:00:00+08:00`);
    const to = new Date(from.getTime() + 15 * 86_400_000);
    const slots = await call('catalog.slots', {
      cookie,
      input: { serviceId: cleaning.id, from: from.toISOString(), to: to.toISOString() },
    });
    const items = (slots.body.result!.data as { items: { startsAt: string; bookable: boolean }[] })
      .items;
    const days = new Set(
      items.map((s) =>
        new Date(s.startsAt).toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' }),
      ),
    );
    expect(days.size).toBe(14);
    expect([...days][0]).toBe(today);
    expect(items).toHaveLength(28); // two windows a day
    // Bookable up to the service's cut-off before it starts: everything from tomorrow on.
    const tomorrow = from.getTime() + 86_400_000;
    const later = items.filter((s) => Date.parse(s.startsAt) >= tomorrow);
    expect(later).toHaveLength(26);
    expect(later.every((s) => s.bookable)).toBe(true);
    expect(items.filter((s) => Date.parse(s.startsAt) < Date.now()).some((s) => s.bookable)).toBe(
      false,
    );
  });

  it('accepts the session as a Bearer token for non-browser clients', async () => {
    const { body } = await call('auth.login', {
      input: { phone: '13900000001', password: 'demo1234', tokenInBody: true },
    });
    const token = (body.result!.data as { token: string }).token;
    const me = await call('auth.me', { bearer: token });
    expect(me.body.result!.data).toMatchObject({
      role: 'merchant_staff',
      displayName: '阳光家政店主',
    });
  });

  it('logout revokes the session cookie', async () => {
    const { cookie } = await login('13700000001');
    expect((await call('auth.me', { cookie })).res.status).toBe(200);
    const out = await call('auth.logout', { cookie, method: 'POST' });
    expect(out.res.status).toBe(200);
    expect(out.res.headers.get('set-cookie')).toMatch(/cgp_session=;.*Expires=Thu, 01 Jan 1970/);
    const after = await call('auth.me', { cookie });
    expect(after.res.status).toBe(401);
  });

  it('answers bad logins with clear 4xx errors and slows repeated failures', async () => {
    const wrong = await call('auth.login', {
      input: { phone: '13800000002', password: 'wrong' },
      ip: '10.9.0.1',
    });
    expect(wrong.res.status).toBe(401);
    expect(wrong.body.error).toMatchObject({
      message: 'Phone number or password is incorrect',
      data: { code: 'UNAUTHORIZED', reason: 'invalid_credentials' },
    });
    const unknown = await call('auth.login', { input: { phone: '13811112222', password: 'x' } });
    expect(unknown.res.status).toBe(401);
    const malformed = await call('auth.login', { input: { phone: '138-0000', password: 'x' } });
    expect(malformed.res.status).toBe(400);
    expect(malformed.body.error!.message).toContain('phone');
    expect(malformed.body.error!.data.reason).toBe('invalid_input');

    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push(
        (await call('auth.login', { input: { phone: '13800000009', password: 'bad' } })).res.status,
      );
    }
    // Six guesses at an account go at once; then the account's growing delay holds the rest.
    expect(statuses.slice(0, 6)).toEqual(Array(6).fill(401));
    expect(statuses.slice(6)).toEqual(Array(5).fill(429));
  });

  it('refuses malformed and oversized bodies with 4xx, never a 5xx', async () => {
    const garbage = await fetch(`${base}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"phone":',
    });
    expect(garbage.status).toBe(400);
    const huge = await fetch(`${base}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '13800000001', password: 'x'.repeat(200_000) }),
    });
    expect(huge.status).toBe(413);
    const notFound = await fetch(`${base}/trpc/nope.nothing`);
    expect(notFound.status).toBe(404);
    const stranger = await fetch(`${base}/no/such/api`, {
      headers: { accept: 'application/json' },
    });
    expect(stranger.status).toBe(404);
  });

  it('sets security headers', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
