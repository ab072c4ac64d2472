/**
 * Settlement of N eligible orders across M merchants (default 1,000,000 / 500), timed next to the
 * raw set-based SQL of the same work on an identical copy of the data, in the same run.
 *   npx tsx tests/bench/settlement.ts [orders] [merchants]
 */
import { buildStatements, checkInvariants, settlementStatement } from '@cgp/api';
import { PgDialect } from 'drizzle-orm/pg-core';
import { randomUUID } from 'node:crypto';
import { seedEligibleOrders } from '@cgp/api/testing';
import { createDatabase, quoteIdent } from '@cgp/db';
import { createTestDatabase, databaseUrl, TEST_SERVER_URL } from '@cgp/db/testing';
import pg from 'pg';
import { machine, peakMemoryMiB, printTable } from './support/report';

const ORDERS = Number(process.argv[2] ?? 1_000_000);
const MERCHANTS = Number(process.argv[3] ?? 500);

const source = await createTestDatabase();
let t0 = performance.now();
const seed = await seedEligibleOrders(source.db, { merchants: MERCHANTS, orders: ORDERS });
await source.pool.query('VACUUM ANALYZE');
const seedSeconds = (performance.now() - t0) / 1000;
await source.close();

// Two identical copies: one for the raw SQL, one for the product's settlement run.
const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
await admin.connect();
const copies = [`${source.name}_raw`, `${source.name}_app`];
for (const name of copies) {
  await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(source.name)}`);
}

// The raw work: the same statement the product sends, executed by a bare client in one transaction.
const raw = new pg.Client({ connectionString: databaseUrl(copies[0]!) });
await raw.connect();
const statement = new PgDialect().sqlToQuery(settlementStatement(randomUUID()));
t0 = performance.now();
await raw.query('BEGIN');
await raw.query(statement.sql, statement.params);
await raw.query('COMMIT');
const rawSeconds = (performance.now() - t0) / 1000;
await raw.end();

const app = createDatabase(databaseUrl(copies[1]!), { max: 2 });
t0 = performance.now();
const run = await buildStatements(app.db);
const appSeconds = (performance.now() - t0) / 1000;
const invariants = await checkInvariants(app.db);
const { rows } = await app.pool.query<{ lines: string; orders: string; merchant: string }>(
  `SELECT (SELECT count(*) FROM statement_lines) AS lines,
          (SELECT count(*) FROM orders WHERE settled_at IS NOT NULL) AS orders,
          (SELECT sum(merchant_fen) FROM statements) AS merchant`,
);
await app.close();

for (const name of [...copies, source.name]) {
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}
await admin.end();

printTable(
  `settlement of ${ORDERS.toLocaleString()} orders across ${MERCHANTS} merchants — ${machine()}`,
  [
    { measure: 'seed (not timed against)', seconds: seedSeconds.toFixed(1) },
    { measure: 'raw set-based SQL', seconds: rawSeconds.toFixed(2) },
    { measure: 'settlement run (buildStatements)', seconds: appSeconds.toFixed(2) },
  ],
);
console.log(
  `ratio ${(appSeconds / rawSeconds).toFixed(2)}× raw; statements ${run.statements.length}, lines ${rows[0]!.lines}, ` +
    `orders settled ${rows[0]!.orders}, Σ merchant ${rows[0]!.merchant} fen of ${seed.totalFen} gross; ` +
    `invariants ${invariants.ok ? 'all ok' : JSON.stringify(invariants.checks.filter((c) => !c.ok))}; ` +
    `Node peak RSS ${peakMemoryMiB()} MiB`,
);
