/**
 * booking.create over HTTP at 50 connections, next to the raw PostgreSQL ceiling of its guarded
 * capacity UPDATE measured in the same run. Prints throughput, p50/p99, the ratio, and where the
 * CPU of a booking goes. The goal's ceiling: PostgreSQL running booking.create's whole statement
 * (capacity, order, event, timer) from bare clients — booking.create over HTTP ≥ 0.5× of it. Then
 * an open loop: bookings arriving at a fixed rate of half the measured maximum, whose p99 is to
 * stay ≤ 20 ms (at saturation, closed-loop latency only mirrors throughput).
 *   npx tsx tests/bench/booking.ts [seconds]
 */
import { placeBooking } from '@cgp/api';
import { createTestDeps, tokenFor } from '@cgp/api/testing';
import type { Db } from '@cgp/db';
import * as schema from '@cgp/db/schema';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { startApiProcess } from './support/api-process';
import { cpuText, httpLoad } from './support/http-load';
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

/** booking.create's whole statement, from bare clients: what PostgreSQL alone can do. */
const handles = new WeakMap<object, Db>();
const handleOf = (client: pg.Client) => {
  let db = handles.get(client);
  if (!db) handles.set(client, (db = drizzle(client, { schema })));
  return db;
};
const statementCeiling = () =>
  pgCeiling({
    url: deps.env.DATABASE_URL,
    connections: CONNECTIONS,
    seconds: SECONDS,
    query: (client, n) => {
      const resident = residents[n % residents.length]!;
      return placeBooking(handleOf(client), {
        slotId: slots[n % SLOTS]!.id,
        communityId: community.id,
        residentId: resident.id,
        unitId: resident.unit.id,
        address: resident.unit.label,
        familyMemberId: null,
        items: null,
        idempotencyKey: randomUUID(),
        quantity: 1,
        notes: '',
        allergies: '',
        careRecipient: null,
        paymentTimeoutSeconds: 900,
      });
    },
  });

const raw = await rawCeiling();
const statement = await statementCeiling();
const server = await startApiProcess(deps.env);
let n = 0;
const bookingRequest: autocannon.Request = {
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
};
const { result, cpuMs } = await httpLoad(
  {
    url: `http://127.0.0.1:${server.port}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [bookingRequest],
  },
  server.child.pid,
);
// Open loop: a fixed arrival rate, half the maximum just measured, over enough connections that
// a slow answer does not hold back the next arrival.
const openRate = Math.max(1, Math.round(result['2xx'] / SECONDS / 2));
const open = await httpLoad(
  {
    url: `http://127.0.0.1:${server.port}`,
    connections: 200,
    overallRate: openRate,
    duration: SECONDS,
    requests: [bookingRequest],
  },
  server.child.pid,
);
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
    measure: 'booking.create whole statement, raw (ceiling)',
    'req/s': Math.round(statement.rps),
    'p50 ms': statement.p50.toFixed(1),
    'p99 ms': statement.p99.toFixed(1),
  },
  {
    measure: 'booking.create over HTTP',
    'req/s': Math.round(rps),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
  },
  {
    measure: `open loop at ${openRate}/s (half the maximum)`,
    'req/s': Math.round(open.result['2xx'] / SECONDS),
    'p50 ms': open.result.latency.p50,
    'p99 ms': open.result.latency.p99,
  },
]);
const ratio = rps / statement.rps;
console.log(
  `booking.create ${ratio.toFixed(2)}× its whole statement raw (goal ≥ 0.5×: ${ratio >= 0.5 ? 'met' : 'not met'}); ` +
    `open-loop p99 ${open.result.latency.p99} ms at ${openRate}/s (goal ≤ 20 ms: ${open.result.latency.p99 <= 20 ? 'met' : 'not met'}); ` +
    `${(rps / raw.rps).toFixed(3)}× the guarded UPDATE alone; non-2xx ${result.non2xx + open.result.non2xx}, errors ${result.errors + open.result.errors}; ` +
    `API peak RSS ${serverPeak} MiB, bench process peak RSS ${peakMemoryMiB()} MiB`,
);
console.log(`CPU per booking: ${cpuText(cpuMs)}; in the open loop: ${cpuText(open.cpuMs)}`);
await deps.teardown();
