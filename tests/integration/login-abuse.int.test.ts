import { MAX_BATCH_CALLS, startApiServer, type ApiServer } from '@cgp/api';
import { createTestDeps, type TestDeps } from '@cgp/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

type Outcome = { error?: { data?: { code?: string } }; result?: unknown };

/** One HTTP request carrying `count` logins as a tRPC batch. */
async function batchOfLogins(phone: string, count: number, ip: string) {
  const paths = Array(count).fill('auth.login').join(',');
  const body = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [String(i), { phone, password: `guess-${i}` }]),
  );
  const res = await fetch(`${base}/trpc/${paths}?batch=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Outcome[] | Outcome };
}

async function singleLogin(phone: string, password: string, ip: string) {
  const res = await fetch(`${base}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ phone, password }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** How many of the answers say the password was checked and wrong (the rest were refused). */
const checked = (codes: (string | undefined)[]) => codes.filter((c) => c === 'UNAUTHORIZED').length;

describe('one request is one unit of work for the login limits', () => {
  it('checks at most the limit of a batch of 40 logins, each refused guess answered 429', async () => {
    const resident = await deps.factories.createResident();
    const { status, body } = await batchOfLogins(resident.phone, 40, '10.20.0.1');
    expect(status).toBeLessThan(500);
    const codes = (body as Outcome[]).map((o) => o.error?.data?.code);
    expect(codes).toHaveLength(40);
    expect(checked(codes)).toBeGreaterThan(0);
    expect(checked(codes)).toBeLessThanOrEqual(deps.loginLimiter.limits.guessesPerAccountAndSource);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS').length).toBe(40 - checked(codes));
  });

  it('refuses a batch over the cap whole, checking no password', async () => {
    const resident = await deps.factories.createResident();
    const { status, body } = await batchOfLogins(resident.phone, MAX_BATCH_CALLS + 1, '10.21.0.1');
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('Batch call exceeds maximum size');
    // Nothing was counted: the account's free guesses are all still there, and the owner gets in.
    expect(await singleLogin(resident.phone, resident.password, '10.21.0.1')).toBe(200);
  });

  it('checks at most the limit of 1,000 parallel logins to one account', async () => {
    const resident = await deps.factories.createResident();
    const fromOne = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => singleLogin(resident.phone, `bad-${i}`, '10.22.0.1')),
    );
    expect(fromOne.filter((s) => s >= 500)).toEqual([]);
    const checkedFromOne = fromOne.filter((s) => s === 401).length;
    expect(checkedFromOne).toBeGreaterThan(0);
    expect(checkedFromOne).toBeLessThanOrEqual(deps.loginLimiter.limits.guessesPerAccountAndSource);
    expect(fromOne.filter((s) => s === 429).length).toBe(1000 - checkedFromOne);

    // Spread over three hundred addresses, the account's own budget still holds.
    const other = await deps.factories.createResident();
    const started = Date.now();
    const spread = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        singleLogin(other.phone, `bad-${i}`, `10.23.${i >> 8}.${i & 255}`),
      ),
    );
    expect(spread.filter((s) => s >= 500)).toEqual([]);
    // The free guesses, then one more per doubling delay (1 s, 2 s, 4 s, …) the run outlasted.
    const seconds = (Date.now() - started) / 1000;
    expect(spread.filter((s) => s === 401).length).toBeLessThanOrEqual(
      deps.loginLimiter.limits.freeGuessesPerAccount + 1 + Math.ceil(Math.log2(seconds + 1)),
    );
  }, 60_000);
});
