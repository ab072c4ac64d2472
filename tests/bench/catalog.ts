/**
 * catalog.services and catalog.slots over HTTP at 50 connections, next to two ceilings measured in
 * the same run: a trivial PostgreSQL query (SELECT 1) from 50 clients, and the API's own trivial
 * endpoint (/healthz) through the same HTTP stack, the API in a process of its own.
 *   npx tsx tests/bench/catalog.ts [seconds]
 */
import { seedDemo } from '@cgp/api';
import { createTestDeps, tokenFor } from '@cgp/api/testing';
import { users } from '@cgp/db';
import autocannon from 'autocannon';
import { eq } from 'drizzle-orm';
import { startApiProcess } from './support/api-process';
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
  const r = await autocannon({
    url: `${base}${path}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${token}` },
  });
  return { rps: r['2xx'] / SECONDS, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx };
}

const trivial = await trivialQueryCeiling();
const health = await http('/healthz');
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

const row = (measure: string, m: { rps: number; p50: number; p99: number }) => ({
  measure,
  'req/s': Math.round(m.rps),
  'p50 ms': Number(m.p50.toFixed(1)),
  'p99 ms': Number(m.p99.toFixed(1)),
});
printTable(`catalog reads — ${SECONDS} s, ${CONNECTIONS} connections, ${machine()}`, [
  row('PostgreSQL SELECT 1 (ceiling)', trivial),
  row('GET /healthz (HTTP ceiling)', health),
  row('catalog.services', services),
  row('catalog.slots (14 days)', slots),
]);
console.log(
  `catalog.services ${(services.rps / trivial.rps).toFixed(3)}× the SELECT 1 ceiling, ` +
    `${(services.rps / health.rps).toFixed(3)}× the HTTP ceiling; catalog.slots ${(slots.rps / trivial.rps).toFixed(3)}× / ` +
    `${(slots.rps / health.rps).toFixed(3)}×; non-2xx ${services.non2xx + slots.non2xx}; API peak RSS ${apiPeak} MiB, bench process ${peakMemoryMiB()} MiB`,
);
