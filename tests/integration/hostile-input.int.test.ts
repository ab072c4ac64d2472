import { appRouter } from '@cgp/api';
import {
  createPaymentTestDeps,
  serveWithPayments,
  tokenFor,
  type PaymentTestDeps,
} from '@cgp/api/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';

const RUNS_PER_PROCEDURE = 200;
/** Mutations without input whose whole point is to act (sign out, settle, open an account). */
const ACTS_WITHOUT_INPUT = new Set([
  'auth.logout',
  'settlement.runNow',
  'merchant.connect.onboard',
]);

/** Refused by the HTTP layer itself before any handler (body, URL or headers too large). */
const TOO_LARGE = new Set([413, 414, 431]);

let deps: PaymentTestDeps;
let api: Awaited<ReturnType<typeof serveWithPayments>>;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  deps = await createPaymentTestDeps();
  api = await serveWithPayments(deps);
  const f = deps.factories;
  const market = await f.createMarketplace();
  tokens.resident = await tokenFor(deps, market.resident.id);
  tokens.owner = await tokenFor(deps, market.owner.id);
  tokens.ops = await tokenFor(
    deps,
    (await f.createPropertyUser(market.community.companyId, 'property_ops')).id,
  );
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

const nasty = fc.oneof(
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
  // Deep nesting.
  fc.constant(JSON.parse('{"a":'.repeat(200) + '1' + '}'.repeat(200)) as unknown),
);

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
        if (res.status >= 500) serverErrors.push(`${path} ${res.status} ${body.slice(0, 200)}`);
        else if (res.status >= 400 && !TOO_LARGE.has(res.status)) {
          const payload = (await res.json()) as { error?: { message?: string } };
          if (!payload.error?.message) serverErrors.push(`${path} ${res.status} without a message`);
        } else await res.arrayBuffer();
      }),
    );
  }
  expect(serverErrors).toEqual([]);
  expect(requests).toBe(procedures.length * RUNS_PER_PROCEDURE);
  const after = await rowCounts();
  const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
  expect(changed).toEqual([]);
}, 300_000);
