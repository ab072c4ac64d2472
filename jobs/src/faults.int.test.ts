import { checkInvariants } from '@cgp/api';
import {
  callerFor,
  createPaymentTestDeps,
  onboardedAccount,
  paidCheckout,
  payOrder,
  seedEligibleOrders,
  seedMarket,
  serveWithPayments,
  settlementBacklog,
  submitCheckoutPage,
  tokenFor,
  trpcOverHttp,
  type PaymentTestDeps,
  type TestDeps,
} from '@cgp/api/testing';
import { orders, outbox, refunds, slots, statementLines, statements } from '@cgp/db';
import { and, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobs, type Jobs } from './start';
import { DisposableRedis } from './testing/redis-server';

/** Polls `check` until it returns true; fails with `what` (and what `explain` says) after `timeoutMs`. */
async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  explain?: () => Promise<unknown>,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      const state = explain ? ` — ${JSON.stringify(await explain())}` : '';
      throw new Error(`timed out waiting for ${what}${state}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function expectInvariantsHold(deps: TestDeps) {
  const invariants = await checkInvariants(deps.db);
  expect(invariants.checks.length).toBeGreaterThan(0);
  expect(invariants.checks.filter((c) => !c.ok)).toEqual([]);
}

describe('Redis restarted under booking load', () => {
  const WAVE = 40;
  let redis: DisposableRedis;
  let deps: PaymentTestDeps;
  let api: Awaited<ReturnType<typeof serveWithPayments>>;
  let jobs: Jobs;
  beforeAll(async () => {
    redis = await DisposableRedis.start();
    deps = await createPaymentTestDeps({
      REDIS_URL: redis.url,
      PAYMENT_TIMEOUT_SECONDS: '8',
      ACCEPT_SLA_SECONDS: '900',
      OUTBOX_POLL_MS: '100',
      TIMER_SWEEP_SECONDS: '2',
    });
    api = await serveWithPayments(deps);
    jobs = await startJobs(deps);
  });
  afterAll(async () => {
    await jobs?.close();
    await api?.close();
    await deps?.teardown();
    await redis?.down();
  });

  it('takes every booking through the outage, pays some, and expires every other one once Redis is back', async () => {
    const { service, resident } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: 3 * WAVE });
    const token = await tokenFor(deps, resident.id);
    const paid: string[] = [];
    /** WAVE bookings at once over HTTP, all of which must succeed; every third is paid at once. */
    const wave = async () => {
      const responses = await Promise.all(
        Array.from({ length: WAVE }, () =>
          trpcOverHttp<{ id: string }>(api.url, token, 'booking.create', {
            slotId: slot.id,
            quantity: 1,
            idempotencyKey: randomUUID(),
          }),
        ),
      );
      expect(responses.map((r) => r.error?.message ?? r.status)).toEqual(responses.map(() => 200));
      const ids = responses.map((r) => r.data!.id);
      for (const id of ids.filter((_, i) => i % 3 === 0)) {
        await payOrder(deps, id); // the ledger records the money
        paid.push(id);
      }
      return ids;
    };

    const ids = await wave();
    await redis.down();
    ids.push(...(await wave()));
    await redis.up(); // empty, as a Redis without persistence comes back: its delayed timers are gone
    ids.push(...(await wave()));
    expect(new Set(ids).size).toBe(3 * WAVE);

    await until(
      'the unpaid orders to expire',
      async () => {
        const [left] = await deps.db
          .select({ n: count() })
          .from(orders)
          .where(and(inArray(orders.id, ids), eq(orders.status, 'pending_payment')));
        return left!.n === 0;
      },
      60_000,
    );
    const statuses = await deps.db
      .select({ id: orders.id, status: orders.status })
      .from(orders)
      .where(inArray(orders.id, ids));
    for (const o of statuses) expect(o.status).toBe(paid.includes(o.id) ? 'paid' : 'expired');
    const [booked] = await deps.db.select().from(slots).where(eq(slots.id, slot.id));
    expect(booked!.booked).toBe(paid.length);
    const [undelivered] = await deps.db
      .select({ n: count() })
      .from(outbox)
      .where(and(eq(outbox.name, 'payment-expiry'), isNull(outbox.deliveredAt)));
    expect(undelivered!.n).toBe(0);
    await expectInvariantsHold(deps);
  }, 120_000);
});

describe('PostgreSQL connection dropped in the middle of a settlement run', () => {
  let deps: PaymentTestDeps;
  let jobs: Jobs;
  beforeAll(async () => {
    // The settlement sweep would make an overdue run of these day-old orders on its own; kept
    // out, so the run dropped here is the one the test asked for.
    deps = await createPaymentTestDeps({ OUTBOX_POLL_MS: '100', SCHEDULE_GRACE_SECONDS: '259200' });
    jobs = await startJobs(deps);
  });
  afterAll(async () => {
    await jobs?.close();
    await deps?.teardown();
  });

  it('fails that attempt whole, retries, and settles and pays every order exactly once', async () => {
    const stripe = deps.payments.stripe;
    const accounts = [];
    for (let i = 0; i < 3; i++) accounts.push((await onboardedAccount(stripe)).id);
    await paidCheckout(stripe, 5_000_000);
    const market = await seedMarket(deps.db, { merchants: 3, accountIds: accounts });
    const seed = await seedEligibleOrders(deps.db, { merchants: 3, orders: 3_000, market });

    // Hold one order's row so the run blocks halfway through its single statement, with its
    // statements and lines already written inside the transaction.
    const holder = await deps.database.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        `SELECT id FROM orders WHERE id = (SELECT id FROM orders ORDER BY id LIMIT 1) FOR UPDATE`,
      );
      const [request] = await deps.db
        .insert(outbox)
        .values({ queue: 'settlement', name: 'run', payload: {} })
        .returning({ id: outbox.id });
      let pid = 0;
      await until('the settlement run to block on the held row', async () => {
        const { rows } = await deps.database.pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query LIKE '%WITH eligible AS%'`, // the settlement statement's start
        );
        pid = rows[0]?.pid ?? 0;
        return pid !== 0;
      });
      // The connection drops, as on a failover or a network cut.
      const { rows } = await deps.database.pool.query<{ done: boolean }>(
        'SELECT pg_terminate_backend($1) AS done',
        [pid],
      );
      expect(rows[0]!.done).toBe(true);
      await holder.query('ROLLBACK');

      await until(
        'every order to be settled and paid',
        async () => (await settlementBacklog(deps.db)).done,
      );
      const job = await jobs.queueFor('settlement').getJob(request!.id);
      expect(await job!.getState()).toBe('completed');
      expect(job!.attemptsMade).toBeGreaterThanOrEqual(1); // the dropped attempt failed
    } finally {
      holder.release();
    }

    const [lines] = await deps.db
      .select({ n: count(), orders: sql<number>`count(DISTINCT ${statementLines.orderId})::int` })
      .from(statementLines);
    expect(lines).toEqual({ n: seed.orderCount, orders: seed.orderCount });
    const all = await deps.db.select().from(statements);
    expect(all).toHaveLength(3);
    for (const s of all) {
      const transfers = await stripe.transfers.list({ transfer_group: s.id, limit: 10 });
      expect(transfers.data.map((t) => [t.id, t.amount])).toEqual([[s.transferId, s.payoutFen]]);
    }
    await expectInvariantsHold(deps);
  }, 120_000);
});

describe('processor 429 and 500 storms on transfers and refunds', () => {
  let deps: PaymentTestDeps;
  let api: Awaited<ReturnType<typeof serveWithPayments>>;
  let jobs: Jobs;
  beforeAll(async () => {
    deps = await createPaymentTestDeps({ OUTBOX_POLL_MS: '100', ACCEPT_SLA_SECONDS: '900' });
    api = await serveWithPayments(deps);
    jobs = await startJobs(deps);
  });
  afterAll(async () => {
    await jobs?.close();
    await api?.close();
    await deps?.teardown();
  });

  it('backs off and makes each refund and each transfer exactly once', async () => {
    const stripe = deps.payments.stripe;
    // Five orders paid through Checkout, then cancelled by their resident: five refunds to make.
    const { service, resident } = await deps.factories.createMarketplace();
    const token = await tokenFor(deps, resident.id);
    const intents = new Map<string, string>();
    for (let i = 0; i < 5; i++) {
      const slot = await deps.factories.createSlot({ serviceId: service.id });
      const booked = await trpcOverHttp<{ id: string }>(api.url, token, 'booking.create', {
        slotId: slot.id,
        quantity: 1,
        idempotencyKey: randomUUID(),
      });
      const checkout = await trpcOverHttp<{ url: string }>(api.url, token, 'payment.checkout', {
        orderId: booked.data!.id,
      });
      const { body } = await submitCheckoutPage(checkout.data!.url, 'succeeded');
      intents.set(booked.data!.id, body.payment_intent!.id);
    }
    await deps.sandbox.waitForWebhooks();
    // Three merchants with earned orders to settle: three transfers to make.
    const accounts = [];
    for (let i = 0; i < 3; i++) accounts.push((await onboardedAccount(stripe)).id);
    await paidCheckout(stripe, 1_000_000);
    const market = await seedMarket(deps.db, { merchants: 3, accountIds: accounts });
    await seedEligibleOrders(deps.db, { merchants: 3, orders: 30, market });

    // The storm: far more 429s and 500s than the SDK's own retries absorb.
    for (const path of ['/v1/refunds', '/v1/transfers']) {
      deps.sandbox.faults.inject({ kind: 'rate_limit', method: 'POST', path, times: 8 });
      deps.sandbox.faults.inject({ kind: 'server_error', method: 'POST', path, times: 4 });
    }
    const me = await callerFor(deps, resident.id);
    for (const orderId of intents.keys())
      await me.order.cancel({ id: orderId, reason: '计划有变' });
    await deps.db.insert(outbox).values({ queue: 'settlement', name: 'run', payload: {} });

    await until(
      'every refund and payout to go through',
      async () => {
        const open = await deps.db
          .select({ status: refunds.status })
          .from(refunds)
          .where(inArray(refunds.orderId, [...intents.keys()]));
        const [made] = await deps.db.select({ n: count() }).from(statements);
        return (
          open.length === 5 &&
          open.every((r) => r.status === 'succeeded') &&
          made!.n === 3 &&
          (await settlementBacklog(deps.db)).done
        );
      },
      90_000,
      async () => ({
        refunds: await deps.db
          .select({ status: refunds.status, reason: refunds.failureReason })
          .from(refunds),
        statements: await deps.db
          .select({ status: statements.status, reason: statements.failureReason })
          .from(statements),
        backlog: await settlementBacklog(deps.db),
        faultsLeft: deps.sandbox.faults.list(),
      }),
    );
    expect(deps.sandbox.faults.list()).toEqual([]); // the whole storm was met

    for (const intent of intents.values()) {
      const made = await stripe.refunds.list({ payment_intent: intent, limit: 10 });
      expect(made.data).toHaveLength(1);
    }
    for (const s of await deps.db.select().from(statements)) {
      const transfers = await stripe.transfers.list({ transfer_group: s.id, limit: 10 });
      expect(transfers.data.map((t) => [t.id, t.amount])).toEqual([[s.transferId, s.payoutFen]]);
    }
    await expectInvariantsHold(deps);
  }, 150_000);
});
