import {
  buildStatements,
  checkInvariants,
  openRedis,
  queuePrefix,
  QUEUES,
  type ApiServer,
} from '@cgp/api';
import {
  bookSlot,
  callerFor,
  createPaymentTestDeps,
  onboardedAccount,
  paidCheckout,
  seedEligibleOrders,
  seedMarket,
  serveWithPayments,
  submitCheckoutPage,
  tokenFor,
  trpcOverHttp,
  type PaymentTestDeps,
} from '@cgp/api/testing';
import {
  callbackRuns,
  orderEvents,
  orders,
  outbox,
  propertyCompanies,
  reconciliationRuns,
  refunds,
  statementLines,
  statements,
} from '@cgp/db';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { and, count, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobs, type Jobs } from './start';

/**
 * SPEC §6, for every queue: work the relay delivered to Redis is done exactly once from
 * PostgreSQL when Redis loses it (flushed while the platform runs) or when BullMQ gives its job
 * up as stalled. Sweeps run every second; what is due is sent again two seconds after it was.
 */
const SWEEP_SECONDS = 1;
const GRACE_SECONDS = 2;
/** The sweep interval, the grace, the schedule watch's interval, and room for a busy machine. */
const WITHIN_MS = (SWEEP_SECONDS * 2 + GRACE_SECONDS) * 1000 + 25_000;
const ALL_QUEUES = Object.values(QUEUES);
/** The jobs of the work below, by name (other jobs, such as acceptance deadlines, are not it). */
const WORK_JOBS = ['payment-expiry', 'refund', 'run', 'pay-statement', 'monthly-callbacks'];

function platformDeps() {
  return createPaymentTestDeps({
    OUTBOX_POLL_MS: '100',
    ACCEPT_SLA_SECONDS: '900',
    PAYMENT_TIMEOUT_SECONDS: '3',
    TIMER_SWEEP_SECONDS: String(SWEEP_SECONDS),
    REFUND_RESEND_SECONDS: String(GRACE_SECONDS),
    PAYOUT_RESEND_SECONDS: String(GRACE_SECONDS),
    SCHEDULE_GRACE_SECONDS: String(GRACE_SECONDS),
  });
}

/** Holds every queue, so what the relay delivers waits in Redis (or starts nothing). */
async function pauseEveryQueue(deps: PaymentTestDeps) {
  const connection = openRedis(deps.env, { maxRetriesPerRequest: null });
  for (const name of ALL_QUEUES) {
    const queue = new Queue(name, { connection, prefix: queuePrefix(deps.env, name) });
    await queue.pause();
    await queue.close();
  }
  connection.disconnect();
}

/** One piece of work per queue, each put in the outbox by the product's own code where it has any. */
async function workForEveryQueue(deps: PaymentTestDeps, api: ApiServer & { url: string }) {
  const stripe = deps.payments.stripe;
  await paidCheckout(stripe, 5_000_000);

  // order-timers: an unpaid booking, whose payment expires three seconds on.
  const market = await deps.factories.createMarketplace();
  const unpaid = await bookSlot(
    deps,
    market.resident.id,
    (await deps.factories.createSlot({ serviceId: market.service.id })).id,
  );

  // payments: a paid order the merchant turns down, so a refund is due.
  const slot = await deps.factories.createSlot({ serviceId: market.service.id });
  const refunded = await bookSlot(deps, market.resident.id, slot.id);
  const token = await tokenFor(deps, market.resident.id);
  const checkout = await trpcOverHttp<{ url: string }>(api.url, token, 'payment.checkout', {
    orderId: refunded.id,
  });
  const { body } = await submitCheckoutPage(checkout.data!.url, 'succeeded');
  await deps.sandbox.waitForWebhooks();
  await (
    await callerFor(deps, market.owner.id)
  ).merchant.orders.reject({ id: refunded.id, reason: '今天人手不足' });

  // settlement: earned orders of an onboarded merchant, and a run asked for through the outbox.
  const toSettle = await seedMarket(deps.db, {
    merchants: 1,
    accountIds: [(await onboardedAccount(stripe)).id],
  });
  const settled = await seedEligibleOrders(deps.db, { merchants: 1, orders: 20, market: toSettle });
  await deps.db.insert(outbox).values({ queue: QUEUES.settlement, name: 'run', payload: {} });

  // payouts: another merchant's statement, built now, whose payout job is in the outbox.
  const toPay = await seedMarket(deps.db, {
    merchants: 1,
    accountIds: [(await onboardedAccount(stripe)).id],
  });
  await seedEligibleOrders(deps.db, { merchants: 1, orders: 5, market: toPay });
  const run = await buildStatements(deps.db, { merchantIds: [toPay.merchants[0]!.merchantId] });

  // reconciliation and surveys: their runs, asked for through the outbox.
  await deps.db.insert(outbox).values([
    { queue: QUEUES.reconciliation, name: 'run', payload: {} },
    { queue: QUEUES.surveys, name: 'monthly-callbacks', payload: {} },
  ]);

  return {
    expiringOrderId: unpaid.id,
    refundedOrderId: refunded.id,
    intentId: body.payment_intent!.id,
    settledOrders: settled.orderCount,
    settledMerchantId: toSettle.merchants[0]!.merchantId,
    statementId: run.statements[0]!.id,
  };
}
type Work = Awaited<ReturnType<typeof workForEveryQueue>>;

/** Every outbox row delivered to Redis, and the job of each waiting there. */
async function awaitDelivery(deps: PaymentTestDeps) {
  await expect
    .poll(
      async () =>
        (await deps.db.select({ n: count() }).from(outbox).where(isNull(outbox.deliveredAt)))[0]!.n,
      { timeout: 15_000, interval: 100 },
    )
    .toBe(0);
  return deps.db.select().from(outbox);
}

/** What each queue's work left behind, counted, so "exactly once" can be checked. */
async function outcome(deps: PaymentTestDeps, work: Work) {
  const expired = await deps.db
    .select({ n: count() })
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, work.expiringOrderId), eq(orderEvents.toStatus, 'expired')));
  const [refund] = await deps.db
    .select({ status: refunds.status })
    .from(refunds)
    .where(eq(refunds.orderId, work.refundedOrderId));
  const processorRefunds = await deps.payments.stripe.refunds.list({
    payment_intent: work.intentId,
    limit: 10,
  });
  const settledLines = await deps.db
    .select({ n: count(), orders: sql<number>`count(DISTINCT ${statementLines.orderId})::int` })
    .from(statementLines)
    .innerJoin(orders, eq(orders.id, statementLines.orderId))
    .where(eq(orders.merchantId, work.settledMerchantId));
  const settledStatements = await deps.db
    .select({ status: statements.status })
    .from(statements)
    .where(eq(statements.merchantId, work.settledMerchantId));
  const [payout] = await deps.db
    .select({ status: statements.status, transferId: statements.transferId })
    .from(statements)
    .where(eq(statements.id, work.statementId));
  const transfers = await deps.payments.stripe.transfers.list({
    transfer_group: work.statementId,
    limit: 10,
  });
  const reconciliations = await deps.db.select({ n: count() }).from(reconciliationRuns);
  const companies = await deps.db.select({ n: count() }).from(propertyCompanies);
  const callbackRunsPerCompany = await deps.db.execute<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM ${callbackRuns} GROUP BY company_id, month`,
  );
  return {
    orderExpired: expired[0]!.n,
    refund: refund?.status,
    processorRefunds: processorRefunds.data.length,
    settledLines: settledLines[0],
    settledStatements: settledStatements.map((s) => s.status),
    payout: payout?.status,
    transfers: transfers.data.map((t) => t.id),
    transferMatches: transfers.data[0]?.id === payout?.transferId,
    reconciliationRuns: reconciliations[0]!.n,
    callbackRunCompanies: callbackRunsPerCompany.rows.length,
    companies: companies[0]!.n,
    callbackRunsOncePerCompany: callbackRunsPerCompany.rows.every((r) => r.n === 1),
  };
}

/** Each queue's work done, and done once. */
function doneOnce(work: Work, companies: number) {
  return {
    orderExpired: 1,
    refund: 'succeeded',
    processorRefunds: 1,
    settledLines: { n: work.settledOrders, orders: work.settledOrders },
    settledStatements: ['paid'],
    payout: 'paid',
    transfers: [expect.any(String)],
    transferMatches: true,
    reconciliationRuns: 1,
    callbackRunCompanies: companies,
    companies,
    callbackRunsOncePerCompany: true,
  };
}

async function expectEveryQueueDoneOnce(deps: PaymentTestDeps, work: Work) {
  const companies = (await deps.db.select({ n: count() }).from(propertyCompanies))[0]!.n;
  await expect
    .poll(() => outcome(deps, work), { timeout: WITHIN_MS, interval: 250 })
    .toEqual(doneOnce(work, companies));
  // A few sweeps later, still once each.
  await new Promise((r) => setTimeout(r, (SWEEP_SECONDS + GRACE_SECONDS) * 1000 * 2));
  expect(await outcome(deps, work)).toEqual(doneOnce(work, companies));
  const [expired] = await deps.db
    .select({ status: orders.status })
    .from(orders)
    .where(eq(orders.id, work.expiringOrderId));
  expect(expired!.status).toBe('expired');
  expect((await checkInvariants(deps.db)).checks.filter((c) => !c.ok)).toEqual([]);
}

describe('Redis flushed after the relay delivered, the platform running', () => {
  let deps: PaymentTestDeps;
  let api: ApiServer & { url: string };
  let jobs: Jobs;
  beforeAll(async () => {
    deps = await platformDeps();
    api = await serveWithPayments(deps);
    await pauseEveryQueue(deps);
    jobs = await startJobs(deps);
  });
  afterAll(async () => {
    await jobs?.close();
    await api?.close();
    await deps?.teardown();
  });

  it('every queue: its work is redone from PostgreSQL exactly once, and the schedules come back', async () => {
    const work = await workForEveryQueue(deps, api);
    const delivered = await awaitDelivery(deps);
    // Each queue holds a job the relay delivered.
    for (const name of ALL_QUEUES) {
      const ids = delivered.filter((row) => row.queue === name).map((row) => row.id);
      expect(ids.length, name).toBeGreaterThan(0);
      for (const id of ids) expect(await jobs.queueFor(name).getJob(id), name).toBeDefined();
    }

    // Redis loses every key of this test's prefix (no other test's), the platform running on.
    const keys = await deps.redis.keys(`${deps.env.REDIS_PREFIX}:*`);
    await deps.redis.del(...keys);
    expect(await deps.redis.keys(`${deps.env.REDIS_PREFIX}:*`)).toEqual([]);

    await expectEveryQueueDoneOnce(deps, work);
    // The schedules that lived in Redis came back by themselves, without a restart.
    for (const [name, id] of [
      [QUEUES.orderTimers, 'order-timer-sweep'],
      [QUEUES.payments, 'refund-sweep'],
      [QUEUES.payouts, 'payout-sweep'],
      [QUEUES.settlement, 'settlement-daily'],
      [QUEUES.settlement, 'settlement-sweep'],
      [QUEUES.reconciliation, 'reconciliation-nightly'],
      [QUEUES.reconciliation, 'reconciliation-sweep'],
      [QUEUES.surveys, 'surveys-sweep'],
    ] as const) {
      expect(await jobs.queueFor(name).getJobScheduler(id), id).toBeTruthy();
    }
  }, 120_000);
});

describe('jobs BullMQ gave up as stalled', () => {
  let deps: PaymentTestDeps;
  let api: ApiServer & { url: string };
  let jobs: Jobs;
  beforeAll(async () => {
    deps = await platformDeps();
    api = await serveWithPayments(deps);
    await pauseEveryQueue(deps);
    jobs = await startJobs(deps);
  });
  afterAll(async () => {
    await jobs?.close();
    await api?.close();
    await deps?.teardown();
  });

  it('every queue: its work is redone from PostgreSQL exactly once', async () => {
    const work = await workForEveryQueue(deps, api);
    const delivered = await awaitDelivery(deps);
    // The platform's workers go; the jobs wait in Redis.
    await jobs.close();

    const connection = openRedis(deps.env, { maxRetriesPerRequest: null });
    for (const name of ALL_QUEUES) {
      const prefix = queuePrefix(deps.env, name);
      const queue = new Queue(name, { connection, prefix });
      const dying = new Worker(name, null, { connection, prefix });
      await queue.resume();
      const ours = new Set(
        delivered
          .filter((row) => row.queue === name && WORK_JOBS.includes(row.name))
          .filter(
            (row) => row.name !== 'payment-expiry' || row.payload.orderId === work.expiringOrderId,
          )
          .map((row) => row.id),
      );
      // A worker takes each delivered job and dies under it until BullMQ gives it up as stalled;
      // scheduled sweeps it meets first finish. A delayed job (the payment expiry) comes when due.
      const deadline = Date.now() + 15_000;
      while (ours.size && Date.now() < deadline) {
        const job: Job | undefined = await dying.getNextJob(`dying-${name}`, { block: false });
        if (!job) {
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        if (!ours.has(job.id!)) {
          await job.moveToCompleted('done', `dying-${name}`, false);
          continue;
        }
        await job.moveToFailed(
          new UnrecoverableError('job stalled more than allowable limit'),
          `dying-${name}`,
        );
        expect(await (await queue.getJob(job.id!))!.getState()).toBe('failed');
        ours.delete(job.id!);
      }
      expect([...ours], name).toEqual([]);
      await dying.close();
      await queue.close();
    }
    connection.disconnect();

    jobs = await startJobs(deps);
    await expectEveryQueueDoneOnce(deps, work);
  }, 150_000);
});
