/**
 * booking.create over HTTP at 50 connections, next to the raw PostgreSQL ceiling of its guarded
 * capacity UPDATE measured in the same run. Prints throughput, p50/p99 and the ratio.
 *   npx tsx tests/bench/booking.ts [seconds]
 */
import { createTestDeps, tokenFor } from '@cgp/api/testing';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startApiProcess } from './support/api-process';
import { machine, peakMemoryMiB, percentile, printTable } from './support/report';

const SECONDS = Number(process.argv[2] ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SLOTS = 200;

const deps = await createTestDeps();
const f = deps.factories;
const { service, community } = await f.createMarketplace();
await deps.db.execute(
  // Room for every booking the run can make, spread over many slots as real traffic is.
  (await import('drizzle-orm')).sql`UPDATE services SET max_quantity = 10 WHERE id = ${service.id}`,
);
const slots = await Promise.all(
  Array.from({ length: SLOTS }, (_, i) =>
    f.createSlot({ serviceId: service.id, capacity: 1_000_000, startsInMinutes: 24 * 60 + i * 60 }),
  ),
);
const residents = await Promise.all(
  Array.from({ length: 100 }, () => f.createResident({ community })),
);
const tokens = await Promise.all(residents.map((r) => tokenFor(deps, r.id)));

async function rawCeiling(): Promise<{ rps: number; p50: number; p99: number }> {
  const clients = await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const c = new pg.Client({ connectionString: deps.env.DATABASE_URL });
      await c.connect();
      return c;
    }),
  );
  const latencies: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    clients.map(async (client, i) => {
      let n = i;
      while (Date.now() < end) {
        const slot = slots[n++ % SLOTS]!;
        const t0 = performance.now();
        await client.query(
          `UPDATE slots SET booked = booked + $2 WHERE id = $1 AND booked + $2 <= capacity
             AND NOT closed AND starts_at > now() + make_interval(mins => $3) RETURNING id`,
          [slot.id, 1, 60],
        );
        latencies.push(performance.now() - t0);
      }
    }),
  );
  await Promise.all(clients.map((c) => c.end()));
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / SECONDS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

const raw = await rawCeiling();
const server = await startApiProcess(deps.env);
let n = 0;
const result = await autocannon({
  url: `http://127.0.0.1:${server.port}`,
  connections: CONNECTIONS,
  duration: SECONDS,
  requests: [
    {
      method: 'POST',
      path: '/trpc/booking.create',
      setupRequest: (req) => {
        const i = n++;
        return {
          ...req,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${tokens[i % tokens.length]}`,
          },
          body: JSON.stringify({
            slotId: slots[i % SLOTS]!.id,
            quantity: 1,
            idempotencyKey: randomUUID(),
          }),
        };
      },
    },
  ],
});
const serverPeak = await server.stop();

const ok = result['2xx'];
const rps = ok / SECONDS;
printTable(`booking.create — ${SECONDS} s, ${CONNECTIONS} connections, ${machine()}`, [
  {
    measure: 'raw PostgreSQL guarded UPDATE',
    'req/s': Math.round(raw.rps),
    'p50 ms': raw.p50.toFixed(1),
    'p99 ms': raw.p99.toFixed(1),
  },
  {
    measure: 'booking.create over HTTP',
    'req/s': Math.round(rps),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
  },
]);
console.log(
  `ratio ${(rps / raw.rps).toFixed(3)}× raw; non-2xx ${result.non2xx}, errors ${result.errors}; ` +
    `API peak RSS ${serverPeak} MiB, bench process peak RSS ${peakMemoryMiB()} MiB`,
);
await deps.teardown();
