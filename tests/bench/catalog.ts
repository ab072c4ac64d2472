/**
 * catalog.services and catalog.slots over HTTP at 50 connections, next to three ceilings measured
 * in the same run: a trivial PostgreSQL query (SELECT 1) from 50 bare clients; the API's /healthz
 * (the HTTP stack with no query); and `auth.me`, the trivial query through the same stack (the
 * session lookup every authenticated procedure makes, and nothing else). The API runs in a
 * process of its own; each measurement follows a warm-up and says where its CPU went.
 *   npx tsx tests/bench/catalog.ts [seconds]
 */
import { seedDemo } from '@cgp/api';
import { createTestDeps, tokenFor } from '@cgp/api/testing';
import { users } from '@cgp/db';
import { eq } from 'drizzle-orm';
import { startApiProcess } from './support/api-process';
import { cpuText, httpLoad } from './support/http-load';
import { pgCeiling } from './support/pg-ceiling';
import { machine, peakMemoryMiB, printTable } from './support/report';

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = 50;

const deps = await createTestDeps();
await seedDemo(deps.db);
const [resident] = await deps.db.select().from(users).where(eq(users.phone, '13800000001'));
const token = await tokenFor(deps, resident!.id);
const api = await startApiProcess(deps.env);
const base = `http://127.0.0.1:${api.port}`;

const trivialQueryCeiling = () =>
  pgCeiling({
    url: deps.env.DATABASE_URL,
    connections: CONNECTIONS,
    seconds: SECONDS,
    query: (client) => client.query('SELECT 1'),
  });

async function http(path: string) {
  const { result: r, cpuMs } = await httpLoad(
    {
      url: `${base}${path}`,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: { authorization: `Bearer ${token}` },
    },
    api.child.pid,
  );
  return {
    rps: r['2xx'] / SECONDS,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    cpu: cpuText(cpuMs),
  };
}

const trivial = await trivialQueryCeiling();
const health = await http('/healthz');
const me = await http('/trpc/auth.me');
const services = await http('/trpc/catalog.services');
const first = (
  (await (
    await fetch(`${base}/trpc/catalog.services`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as {
    result: { data: { items: { id: string }[] } };
  }
).result.data.items[0]!;
const slotsInput = encodeURIComponent(
  JSON.stringify({
    serviceId: first.id,
    from: new Date().toISOString(),
    to: new Date(Date.now() + 14 * 86_400_000).toISOString(),
  }),
);
const slots = await http(`/trpc/catalog.slots?input=${slotsInput}`);
const apiPeak = await api.stop();
await deps.teardown();

const row = (measure: string, m: { rps: number; p50: number; p99: number; cpu?: string }) => ({
  measure,
  'req/s': Math.round(m.rps),
  'p50 ms': Number(m.p50.toFixed(1)),
  'p99 ms': Number(m.p99.toFixed(1)),
  'CPU per request': m.cpu ?? '',
});
printTable(`catalog reads — ${SECONDS} s, ${CONNECTIONS} connections, ${machine()}`, [
  row('PostgreSQL SELECT 1, bare clients (ceiling)', trivial),
  row('GET /healthz, no query (ceiling)', health),
  row('auth.me, the trivial query through the stack (ceiling)', me),
  row('catalog.services', services),
  row('catalog.slots (14 days)', slots),
]);
const goal = services.rps / me.rps;
console.log(
  `catalog.services ${goal.toFixed(2)}× auth.me (goal ≥ 0.8×: ${goal >= 0.8 ? 'met' : 'not met'})`,
);
const ratios = (m: { rps: number }) =>
  [trivial, health, me].map((c) => `${(m.rps / c.rps).toFixed(3)}×`).join(' / ');
console.log(
  `ratios against SELECT 1 / /healthz / auth.me: catalog.services ${ratios(services)}, ` +
    `catalog.slots ${ratios(slots)}; non-2xx ${services.non2xx + slots.non2xx + me.non2xx}; ` +
    `API peak RSS ${apiPeak} MiB, bench process ${peakMemoryMiB()} MiB`,
);
