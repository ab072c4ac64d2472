/**
 * PostgreSQL alone, driven by pgbench (a C client, prepared statements) at 50 connections: the
 * guarded capacity UPDATE, and booking.create's whole statement (`bookingStatement`: capacity,
 * order, event, payment timer), each client booking a slot as a resident of its own. The same
 * ceilings as booking.ts measures from Node, with no Node in the loop.
 *   npx tsx tests/bench/booking-pgbench.ts [seconds]
 */
import { bookingStatement } from '@cgp/api';
import { createTestDeps } from '@cgp/api/testing';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WARMUP_SECONDS } from './support/http-load';
import { machine, percentile, printTable } from './support/report';

const SECONDS = Number(process.argv[2] ?? 15);
const CLIENTS = 50;

if (spawnSync('pgbench', ['--version']).status !== 0) {
  console.log('pgbench is not installed (Debian: postgresql-client); skipped');
  process.exit(0);
}

const deps = await createTestDeps();
const f = deps.factories;
const { service, community } = await f.createMarketplace();
await deps.db.execute(sql`UPDATE services SET max_quantity = 10 WHERE id = ${service.id}`);
await deps.db.execute(sql`CREATE TABLE bench_clients (n int PRIMARY KEY, slot_id uuid,
  resident_id uuid, unit_id uuid, address text)`);
for (let n = 0; n < CLIENTS; n++) {
  const slot = await f.createSlot({
    serviceId: service.id,
    capacity: 1_000_000,
    startsInMinutes: 24 * 60 + n * 60,
  });
  const resident = await f.createResident({ community });
  await deps.db.execute(sql`INSERT INTO bench_clients VALUES (${n}, ${slot.id}, ${resident.id},
    ${resident.unit.id}, ${resident.unit.label})`);
}

/** What each placeholder of the booking statement becomes in the pgbench script. */
const client = (column: string) => `(SELECT ${column} FROM bench_clients WHERE n = :client_id)`;
const stand: Record<string, string> = {
  slotId: client('slot_id'),
  residentId: client('resident_id'),
  unitId: client('unit_id'),
  address: client('address'),
  communityId: `'${community.id}'`,
  idempotencyKey: '(:key)',
  quantity: '1',
  notes: "''",
  allergies: "''",
  careRecipient: 'NULL',
  familyMemberId: 'NULL',
  items: 'NULL',
  paymentTimeoutSeconds: '900',
};
const literal = (v: unknown) => `'${String(v).replace(/'/g, "''")}'`;
const query = new PgDialect().sqlToQuery(bookingStatement);
const booking = query.sql.replace(/\$(\d+)/g, (_, i: string) => {
  const param = query.params[Number(i) - 1] as { name?: string } | string;
  return typeof param === 'object' && param.name ? stand[param.name]! : literal(param);
});

const dir = mkdtempSync(join(tmpdir(), 'cgp-pgbench-'));
const scripts = {
  'guarded capacity UPDATE': `UPDATE slots SET booked = booked + 1 WHERE id = ${client('slot_id')}
    AND booked + 1 <= capacity AND NOT closed AND starts_at > now() + make_interval(mins => 60)
    RETURNING id;\n`,
  'booking.create whole statement': `\\set key random(1, 9000000000000000)\n${booking};\n`,
};

function pgbench(name: string, script: string, seconds: number) {
  const file = join(dir, `${name.replace(/\W+/g, '-')}.sql`);
  writeFileSync(file, script);
  const prefix = join(dir, `log-${Date.now()}`);
  const run = spawnSync(
    'pgbench',
    [
      '-n',
      '-c',
      String(CLIENTS),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-M',
      'prepared',
      '-f',
      file,
    ].concat(['-l', `--log-prefix=${prefix}`, deps.env.DATABASE_URL]),
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`pgbench failed:\n${run.stderr}`);
  // Per-transaction log lines: client, transaction, latency in µs, …
  const latencies = readdirSync(dir)
    .filter((f) => join(dir, f).startsWith(prefix))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
    .map((line) => Number(line.split(' ')[2]) / 1000)
    .sort((a, b) => a - b);
  return {
    tps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

const rows = [];
for (const [name, script] of Object.entries(scripts)) {
  pgbench(name, script, WARMUP_SECONDS);
  const r = pgbench(name, script, SECONDS);
  rows.push({
    measure: name,
    'tx/s': Math.round(r.tps),
    'p50 ms': Number(r.p50.toFixed(1)),
    'p99 ms': Number(r.p99.toFixed(1)),
  });
}
rmSync(dir, { recursive: true, force: true });
await deps.teardown();
printTable(
  `PostgreSQL alone (pgbench, prepared, ${CLIENTS} clients, ${SECONDS} s), ${machine()}`,
  rows,
);
console.log(
  `booking.create's whole statement runs at ${(rows[1]!['tx/s'] / rows[0]!['tx/s']).toFixed(2)}× ` +
    `the guarded UPDATE alone, with p99 ${rows[1]!['p99 ms']} ms, before any HTTP or API work`,
);
