import { checkInvariants } from '@cgp/api';
import {
  createPaymentTestDeps,
  onboardedAccount,
  paidCheckout,
  seedEligibleOrders,
  seedMarket,
  settlementBacklog,
  type PaymentTestDeps,
} from '@cgp/api/testing';
import { outbox, statementLines, statements } from '@cgp/db';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { count, ne, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BATCHES = 20;
const ORDERS_PER_BATCH = 500;
const MERCHANTS = 10;

let deps: PaymentTestDeps;
beforeAll(async () => {
  deps = await createPaymentTestDeps({ OUTBOX_POLL_MS: '100', JOB_LOCK_MS: '3000' });
});
afterAll(() => deps.teardown());

/** The standalone worker process, talking to this file's database, Redis prefix and sandbox. */
function startWorkers() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'jobs/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: deps.env.DATABASE_URL,
      REDIS_URL: deps.env.REDIS_URL,
      REDIS_PREFIX: deps.env.REDIS_PREFIX,
      STRIPE_SANDBOX_PORT: String(deps.sandbox.port),
      OUTBOX_POLL_MS: '100',
      JOB_LOCK_MS: '3000',
      DEMO: 'false',
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  return { child, exited: new Promise((r) => child.once('exit', r)) };
}

async function requestSettlementRun() {
  await deps.db.insert(outbox).values({ queue: 'settlement', name: 'run', payload: {} });
}

it('pays every eligible order exactly once through 20 SIGKILLs of the worker process and processor faults', async () => {
  const stripe = deps.payments.stripe;
  const accounts: string[] = [];
  for (let i = 0; i < MERCHANTS; i++) accounts.push((await onboardedAccount(stripe)).id);
  // Residents' money in the processor, enough for every payout.
  await paidCheckout(stripe, 10_000_000);

  const market = await seedMarket(deps.db, { merchants: MERCHANTS, accountIds: accounts });
  let seeded = 0;
  for (let batch = 0; batch < BATCHES; batch++) {
    const seed = await seedEligibleOrders(deps.db, {
      merchants: MERCHANTS,
      orders: ORDERS_PER_BATCH,
      market,
    });
    seeded += seed.orderCount;
    await requestSettlementRun();
    if (batch % 4 === 1)
      deps.sandbox.faults.inject({
        kind: 'drop_after_commit',
        method: 'POST',
        path: '/v1/transfers',
        times: 3,
      });
    if (batch % 4 === 3)
      deps.sandbox.faults.inject({
        kind: 'server_error',
        method: 'POST',
        path: '/v1/transfers',
        times: 3,
      });
    const workers = startWorkers();
    // Anywhere from start-up to the middle of a run or a payout.
    await new Promise((r) => setTimeout(r, 1500 + Math.random() * 3000));
    workers.child.kill('SIGKILL');
    await workers.exited;
  }
  deps.sandbox.faults.clear();

  // A last, undisturbed worker finishes whatever is left.
  await requestSettlementRun();
  const last = startWorkers();
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const backlog = await settlementBacklog(deps.db);
      if (backlog.done) break;
      if (Date.now() > deadline) {
        const stuck = await deps.db
          .select({
            id: statements.id,
            status: statements.status,
            attempts: statements.attempts,
            reason: statements.failureReason,
          })
          .from(statements)
          .where(ne(statements.status, 'paid'));
        throw new Error(`left: ${backlog.unsettled} orders, statements ${JSON.stringify(stuck)}`);
      }
      if (backlog.unsettled > 0) await requestSettlementRun();
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    last.child.kill('SIGTERM');
    await last.exited;
  }

  const [lines] = await deps.db
    .select({ n: count(), orders: sql<number>`count(DISTINCT ${statementLines.orderId})::int` })
    .from(statementLines);
  expect(lines!.n).toBe(seeded);
  expect(lines!.orders).toBe(seeded);
  const all = await deps.db.select().from(statements);
  for (const s of all) {
    const transfers = await stripe.transfers.list({ transfer_group: s.id, limit: 10 });
    expect(transfers.data.map((t) => [t.id, t.amount])).toEqual([[s.transferId, s.payoutFen]]);
  }
  const invariants = await checkInvariants(deps.db);
  expect(invariants.checks.filter((c) => !c.ok)).toEqual([]);
}, 600_000);
