import { appRouter, platformRoutes, startApiServer } from '@cgp/api';
import { createPaymentTestDeps, tokenFor, type PaymentTestDeps } from '@cgp/api/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RUNS_PER_PROCEDURE = 200;
/** Mutations without input whose whole point is to act (sign out, settle, open an account). */
const ACTS_WITHOUT_INPUT = new Set([
  'auth.logout',
  'settlement.runNow',
  'merchant.connect.onboard',
]);

/**
 * Results that reading or re-running a reconciliation stores: computed from the ledger and the
 * processor, never from the request, so a valid period (every field has a default) may add them.
 */
const RECOMPUTED = new Set([
  'public.reconciliation_runs',
  'public.reconciliation_days',
  'public.reconciliation_findings',
]);

/** Refused by the HTTP layer itself before any handler (body, URL or headers too large). */
const TOO_LARGE = new Set([413, 414, 431]);

let deps: PaymentTestDeps;
let api: { url: string; close: () => Promise<void> };
const tokens: Record<string, string> = {};
/** What belongs to someone else: it must never appear in any answer to the fuzzing users. */
const secrets: string[] = [];
beforeAll(async () => {
  deps = await createPaymentTestDeps();
  const routes = platformRoutes(deps);
  const server = await startApiServer(deps, 0, { mount: routes.mount });
  api = {
    url: `http://127.0.0.1:${server.port}`,
    close: async () => {
      await server.close();
      await routes.close();
    },
  };
  await deps.sandbox.addWebhookEndpoint({ url: `${api.url}/webhooks/stripe` });
  const f = deps.factories;
  const market = await f.createMarketplace();
  tokens.resident = await tokenFor(deps, market.resident.id);
  tokens.owner = await tokenFor(deps, market.owner.id);
  tokens.ops = await tokenFor(
    deps,
    (await f.createPropertyUser(market.community.companyId, 'property_ops')).id,
  );
  // Another company's resident with an order: their phone and address are other rows' data.
  const other = await f.createResident({ phone: '19987654321' });
  secrets.push(other.phone, other.id, other.unit.id);
});
afterAll(async () => {
  await api.close();
  await deps.teardown();
});

/** Who to be so the input gets past the door and reaches validation. */
function tokenFor_(path: string): string | undefined {
  if (path.startsWith('auth.login')) return undefined;
  if (/^(merchant)\./.test(path)) return tokens.owner;
  if (/^(settlement|audit|commission|ops|console|quality)\./.test(path)) return tokens.ops;
  return tokens.resident;
}

/** SPEC §9's alphabet: NUL and control characters, lone surrogates, bidi marks, quotes. */
const HOSTILE_CHARS = [
  '\u0000',
  '\u0001',
  '\u0008',
  '\u001b',
  '\u007f',
  '\u0085',
  '\uD800',
  '\uDFFF',
  '\u202E',
  '\u2066',
  '\u200F',
  '\u200B',
  '\uFEFF',
  "'",
  '"',
  '\\',
  '%',
  '中',
  'a',
];
const hostileText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...HOSTILE_CHARS), maxLength: 40 }),
  fc.constantFrom(...HOSTILE_CHARS).map((c) => c.repeat(10_000)),
  fc
    .string({ unit: fc.constantFrom(...HOSTILE_CHARS), minLength: 1, maxLength: 5 })
    .map((chunk) => chunk.repeat(Math.ceil(10_000 / chunk.length)).slice(0, 10_000)),
);
const hugeNumber = fc.constantFrom(
  1e308,
  -1e308,
  2 ** 53,
  2 ** 63,
  -(2 ** 63),
  2 ** 64,
  Number.MIN_VALUE,
  -0,
  '99999999999999999999999999',
  '-9223372036854775809',
  '1e400',
);
/** Nesting deeper than any input of ours, as objects and as arrays. */
const deepNesting = fc
  .integer({ min: 50, max: 400 })
  .chain((depth) =>
    fc.constantFrom(
      JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) as unknown,
      JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown,
    ),
  );

const nasty = fc.oneof(
  hostileText,
  hugeNumber,
  deepNesting,
  fc.constantFrom(
    null,
    '',
    'x'.repeat(10_000),
    "'; DROP TABLE orders; --",
    '<script>alert(1)</script>',
    '🙂'.repeat(500),
    '\u0000\uFFFF\uD800',
    -1,
    0.5,
    -0.01,
    1e308,
    Number.MAX_SAFE_INTEGER + 2,
    '00000000-0000-0000-0000-000000000000',
    '2026-13-45T99:99:99Z',
    [],
    {},
    { __proto__: { admin: true } },
    JSON.parse('{"constructor":{"prototype":{"polluted":true}}}') as object,
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
);

/** Inputs shaped like objects with familiar keys but hostile values, and plain garbage. */
const hostileInput = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom(
      'id',
      'orderId',
      'slotId',
      'serviceId',
      'quantity',
      'amountFen',
      'priceFen',
      'phone',
      'password',
      'from',
      'to',
      'cursor',
      'limit',
      'reason',
      'rating',
      'idempotencyKey',
      'status',
      'groupBy',
      'platformBps',
      'capacity',
    ),
    nasty,
  ),
  deepNesting,
);

/** What no error body may hold: SQL, a stack frame, parameters. */
const LEAKS = [
  /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b/,
  /\bat [\w.<>]+ \(?[/\w.-]+:\d+:\d+\)?/,
  /\bparams?:/i,
  /node_modules|\.ts:\d+/,
];

/** Anything in a body that should never be there: a leak, or another user's data. */
function leakIn(body: string): string | null {
  const leak = LEAKS.find((re) => re.test(body));
  if (leak) return `matches ${String(leak)}`;
  const secret = secrets.find((x) => body.includes(x));
  return secret ? `holds another user's ${secret}` : null;
}

async function rowCounts(): Promise<Record<string, number>> {
  const { rows } = await deps.database.pool.query<{ table: string; n: string }>(`
    SELECT format('%I.%I', schemaname, relname) AS table,
           (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', schemaname, relname), false, true, '')))[1]::text AS n
      FROM pg_stat_user_tables WHERE schemaname IN ('public', 'stripe_sandbox')`);
  return Object.fromEntries(rows.map((r) => [r.table, Number(r.n)]));
}

it(`answers ${RUNS_PER_PROCEDURE} hostile inputs per procedure with a 4xx and writes nothing`, async () => {
  const procedures = Object.entries(
    (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })
      ._def.procedures,
  ).filter(([path, p]) => p._def.type !== 'subscription' && !ACTS_WITHOUT_INPUT.has(path));
  const before = await rowCounts();
  const serverErrors: string[] = [];
  let requests = 0;
  for (const [path, procedure] of procedures) {
    const token = tokenFor_(path);
    const inputs = fc.sample(hostileInput, RUNS_PER_PROCEDURE);
    await Promise.all(
      inputs.map(async (input) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (token) headers.authorization = `Bearer ${token}`;
        const body = JSON.stringify(input ?? null);
        const res =
          procedure._def.type === 'query'
            ? await fetch(`${api.url}/trpc/${path}?input=${encodeURIComponent(body)}`, { headers })
            : await fetch(`${api.url}/trpc/${path}`, { method: 'POST', headers, body });
        requests++;
        const text = await res.text();
        const leak = leakIn(text);
        if (res.status >= 500) serverErrors.push(`${path} ${res.status} ${body.slice(0, 200)}`);
        else if (leak) serverErrors.push(`${path} ${res.status} ${leak}: ${text.slice(0, 200)}`);
        else if (res.status >= 400 && !TOO_LARGE.has(res.status)) {
          const payload = JSON.parse(text) as { error?: { message?: string } };
          if (!payload.error?.message) serverErrors.push(`${path} ${res.status} without a message`);
        }
      }),
    );
  }
  expect(serverErrors).toEqual([]);
  expect(requests).toBe(procedures.length * RUNS_PER_PROCEDURE);
  const after = await rowCounts();
  const changed = Object.keys(after).filter((t) => after[t] !== before[t] && !RECOMPUTED.has(t));
  expect(changed).toEqual([]);
}, 300_000);

const procedureEntries = () =>
  Object.entries(
    (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })
      ._def.procedures,
  ).filter(([, p]) => p._def.type !== 'subscription');

const TEXT_KEYS = [
  'reason',
  'notes',
  'comment',
  'note',
  'name',
  'titleZh',
  'titleEn',
  'descriptionZh',
  'descriptionEn',
  'label',
  'address',
  'phone',
  'password',
  'query',
  'search',
  'action',
  'reply',
  'needs',
  'idempotencyKey',
];

it('refuses a NUL byte in any text field of any procedure with a 400', async () => {
  const wrong: string[] = [];
  for (const [path, procedure] of procedureEntries()) {
    const token = tokenFor_(path);
    for (const key of TEXT_KEYS) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const body = JSON.stringify({
        [key]: `before\u0000after`,
        id: '00000000-0000-4000-8000-000000000000',
      });
      const res =
        procedure._def.type === 'query'
          ? await fetch(`${api.url}/trpc/${path}?input=${encodeURIComponent(body)}`, { headers })
          : await fetch(`${api.url}/trpc/${path}`, { method: 'POST', headers, body });
      const text = await res.text();
      if (res.status !== 400) wrong.push(`${path}.${key}: ${res.status} ${text.slice(0, 120)}`);
    }
  }
  expect(wrong).toEqual([]);
}, 120_000);

/** Percent-encodes like encodeURIComponent, but sends a lone surrogate as the bytes WTF-8 gives it. */
const enc = (value: string) =>
  Array.from(value)
    .map((c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        return '%ED%A0%80';
      }
    })
    .join('');

describe('the plain routes', () => {
  const RUNS_PER_ROUTE = 200;
  const text = () =>
    fc.sample(fc.oneof(hostileText, fc.string(), hugeNumber.map(String)), RUNS_PER_ROUTE);

  /** Sends each request, collecting any 5xx or leak; returns how many were sent. */
  async function fuzz(name: string, requests: (() => Promise<Response>)[], problems: string[]) {
    await Promise.all(
      requests.map(async (send) => {
        const res = await send();
        const body = await res.text();
        const leak = leakIn(body);
        if (res.status >= 500) problems.push(`${name}: ${res.status} ${body.slice(0, 160)}`);
        else if (leak) problems.push(`${name}: ${leak}`);
      }),
    );
    return requests.length;
  }

  it(`answers ${RUNS_PER_ROUTE} hostile requests per route with a 4xx and writes nothing`, async () => {
    const before = await rowCounts();
    const problems: string[] = [];
    const opsAuth = { authorization: `Bearer ${tokens.ops}` };
    const ownerAuth = { authorization: `Bearer ${tokens.owner}` };
    const residentAuth = { authorization: `Bearer ${tokens.resident}` };
    const sandbox = deps.sandbox.url;
    let sent = 0;

    sent += await fuzz(
      'POST /webhooks/stripe',
      fc.sample(fc.tuple(hostileInput, hostileText), RUNS_PER_ROUTE).map(
        ([body, signature]) =>
          () =>
            fetch(`${api.url}/webhooks/stripe`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'stripe-signature': `t=${Date.now()},v1=${enc(signature)}`,
              },
              body: JSON.stringify(body ?? null),
            }),
      ),
      problems,
    );
    sent += await fuzz(
      'GET /console/export',
      text().map(
        (value, i) => () =>
          fetch(
            `${api.url}/console/export/${i % 3 ? 'ledger' : enc(value)}.csv?from=${enc(value)}&to=${enc(value)}`,
            { headers: opsAuth },
          ),
      ),
      problems,
    );
    sent += await fuzz(
      'GET /merchant/export/statements',
      text().map(
        (value) => () =>
          fetch(`${api.url}/merchant/export/statements/${enc(value)}.csv`, {
            headers: ownerAuth,
          }),
      ),
      problems,
    );
    sent += await fuzz(
      'POST /uploads',
      text().map((value, i) => () => {
        const form = new FormData();
        form.set(i % 2 ? 'photo' : value.slice(0, 100), new Blob([value]), value.slice(0, 200));
        return fetch(`${api.url}/uploads`, { method: 'POST', headers: residentAuth, body: form });
      }),
      problems,
    );
    sent += await fuzz(
      'GET /uploads/:id',
      text().map(
        (value) => () => fetch(`${api.url}/uploads/${enc(value)}`, { headers: residentAuth }),
      ),
      problems,
    );
    sent += await fuzz(
      'sandbox hosted pages',
      text().map((value, i) => () => {
        const id = enc(value);
        const page = i % 2 ? `${sandbox}/c/pay/${id}` : `${sandbox}/setup/e/${id}/${id}`;
        return i % 4 < 2
          ? fetch(page)
          : fetch(page, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: `outcome=${enc(value)}&payment_method=${enc(value)}`,
            });
      }),
      problems,
    );

    expect(problems).toEqual([]);
    expect(sent).toBe(6 * RUNS_PER_ROUTE);
    const after = await rowCounts();
    expect(Object.keys(after).filter((t) => after[t] !== before[t])).toEqual([]);
  }, 180_000);
});
