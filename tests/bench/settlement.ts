/**
 * Settlement of N eligible orders across M merchants (default 1,000,000 / 500), timed next to two
 * ceilings on identical copies of the data, in the same run: the product's own statement sent raw
 * (what the code around it adds), and the floor — the least SQL that writes the same required
 * output, the statements and their lines, without marking orders, events or payout jobs (what
 * the statement itself does beyond the minimum). Goal: settlement ≤ 2× the floor.
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

const FLOOR_SQL = `
  WITH eligible AS (
    SELECT id, merchant_id, total_fen, refund_fen, merchant_share_fen, platform_share_fen, platform_bps
      FROM orders WHERE earned_at IS NOT NULL AND settled_at IS NULL
  ), made AS (
    INSERT INTO statements (merchant_id, run_id, status, gross_fen, refund_fen, merchant_fen,
                            platform_fen, payout_fen, order_count)
    SELECT merchant_id, $1::uuid, 'pending', sum(total_fen), sum(refund_fen),
           sum(merchant_share_fen), sum(platform_share_fen), sum(merchant_share_fen), count(*)
      FROM eligible GROUP BY merchant_id
    RETURNING id, merchant_id
  )
  INSERT INTO statement_lines (statement_id, order_id, gross_fen, refund_fen, merchant_fen,
                               platform_fen, platform_bps)
  SELECT made.id, e.id, e.total_fen, e.refund_fen, e.merchant_share_fen, e.platform_share_fen,
         e.platform_bps
    FROM eligible e JOIN made USING (merchant_id)`;

const source = await createTestDatabase();
let t0 = performance.now();
const seed = await seedEligibleOrders(source.db, { merchants: MERCHANTS, orders: ORDERS });
await source.pool.query('VACUUM ANALYZE');
const seedSeconds = (performance.now() - t0) / 1000;
await source.close();

// Two identical copies: one for the raw SQL, one for the product's settlement run.
const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
await admin.connect();
const copies = [`${source.name}_raw`, `${source.name}_app`, `${source.name}_floor`];
for (const name of copies) {
  await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(source.name)}`);
}

// The raw work: the same statement the product sends, executed by a bare client in one transaction.
const raw = new pg.Client({ connectionString: databaseUrl(copies[0]!) });
await raw.connect();
const statement = new PgDialect().sqlToQuery(settlementStatement(randomUUID()));
t0 = performance.now();
await raw.query('BEGIN');
await raw.query('SET LOCAL jit = off'); // as buildStatements runs it
await raw.query(statement.sql, statement.params);
await raw.query('COMMIT');
const rawSeconds = (performance.now() - t0) / 1000;
await raw.end();

// The floor: group the eligible orders into statements and write one line per order; no more.
const floor = new pg.Client({ connectionString: databaseUrl(copies[2]!) });
await floor.connect();
t0 = performance.now();
await floor.query('BEGIN');
await floor.query('SET LOCAL jit = off');
await floor.query(FLOOR_SQL, [randomUUID()]);
await floor.query('COMMIT');
const floorSeconds = (performance.now() - t0) / 1000;
const floorLines = (await floor.query<{ n: string }>('SELECT count(*) AS n FROM statement_lines'))
  .rows[0]!.n;
await floor.end();

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
    {
      measure: 'floor: statements and lines only (ceiling)',
      seconds: floorSeconds.toFixed(2),
      lines: floorLines,
    },
    { measure: "the product's statement sent raw", seconds: rawSeconds.toFixed(2) },
    { measure: 'settlement run (buildStatements)', seconds: appSeconds.toFixed(2) },
  ],
);
const floorRatio = appSeconds / floorSeconds;
console.log(
  `settlement ${floorRatio.toFixed(2)}× its floor (goal ≤ 2×: ${floorRatio <= 2 ? 'met' : 'not met'}); ` +
    `${(appSeconds / rawSeconds).toFixed(2)}× its own statement raw; ` +
    `${(((appSeconds / ORDERS) * 1e6) / 60).toFixed(1)} min per million orders; statements ${run.statements.length}, lines ${rows[0]!.lines}, ` +
    `orders settled ${rows[0]!.orders}, Σ merchant ${rows[0]!.merchant} fen of ${seed.totalFen} gross; ` +
    `invariants ${invariants.ok ? 'all ok' : JSON.stringify(invariants.checks.filter((c) => !c.ok))}; ` +
    `Node peak RSS ${peakMemoryMiB()} MiB`,
);
