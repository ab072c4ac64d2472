/**
 * booking.create over HTTP at 50 connections, next to the raw PostgreSQL ceiling of its guarded
 * capacity UPDATE measured in the same run. Prints throughput, p50/p99 and the ratio.
 *   npx tsx tests/bench/booking.ts [seconds]
 */
import { createTestDeps, tokenFor } from '@cgp/api/testing';
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { startApiProcess } from './support/api-process';
import { pgCeiling } from './support/pg-ceiling';
import { machine, peakMemoryMiB, printTable } from './support/report';

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

/** The guarded capacity UPDATE booking.create runs, sent raw. */
const rawCeiling = () =>
  pgCeiling({
    url: deps.env.DATABASE_URL,
    connections: CONNECTIONS,
    seconds: SECONDS,
    query: (client, n) =>
      client.query(
        `UPDATE slots SET booked = booked + $2 WHERE id = $1 AND booked + $2 <= capacity
           AND NOT closed AND starts_at > now() + make_interval(mins => $3) RETURNING id`,
        [slots[n % SLOTS]!.id, 1, 60],
      ),
  });

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
