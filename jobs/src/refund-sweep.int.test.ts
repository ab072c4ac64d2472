import { checkInvariants, openRedis, queuePrefix, type ApiServer } from '@cgp/api';
import {
  bookSlot,
  callerFor,
  createPaymentTestDeps,
  serveWithPayments,
  submitCheckoutPage,
  tokenFor,
  trpcOverHttp,
  type PaymentTestDeps,
} from '@cgp/api/testing';
import { outbox, refunds } from '@cgp/db';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobs, type Jobs } from './start';

/** The sweep runs every second and sends again what is still pending two seconds after it was due. */
const SWEEP_SECONDS = 1;
const RESEND_SECONDS = 2;

let deps: PaymentTestDeps;
let api: ApiServer & { url: string };
let jobs: Jobs;

beforeAll(async () => {
  deps = await createPaymentTestDeps({
    OUTBOX_POLL_MS: '100',
    ACCEPT_SLA_SECONDS: '900',
    TIMER_SWEEP_SECONDS: String(SWEEP_SECONDS),
    REFUND_RESEND_SECONDS: String(RESEND_SECONDS),
  });
  api = await serveWithPayments(deps);
  jobs = await startJobs(deps);
});
afterAll(async () => {
  await jobs?.close();
  await api?.close();
  await deps?.teardown();
});

async function paidOrder() {
  const { service, resident, owner } = await deps.factories.createMarketplace();
  const slot = await deps.factories.createSlot({ serviceId: service.id });
  const order = await bookSlot(deps, resident.id, slot.id);
  const token = await tokenFor(deps, resident.id);
  const { data } = await trpcOverHttp<{ url: string }>(api.url, token, 'payment.checkout', {
    orderId: order.id,
  });
  const { body } = await submitCheckoutPage(data!.url, 'succeeded');
  await deps.sandbox.waitForWebhooks();
  return { order, owner, intentId: body.payment_intent!.id };
}

/** The merchant turns the order down: a refund is decided, and its job goes to the outbox. */
async function rejectAndAwaitDelivery(ownerId: string, orderId: string) {
  const merchant = await callerFor(deps, ownerId);
  await merchant.merchant.orders.reject({ id: orderId, reason: '今天人手不足' });
  const [refund] = await deps.db.select().from(refunds).where(eq(refunds.orderId, orderId));
  await expect
    .poll(
      async () =>
        (
          await deps.db
            .select({ id: outbox.id })
            .from(outbox)
            .where(
              and(
                sql`${outbox.payload}->>'refundId' = ${refund!.id}`,
                isNotNull(outbox.deliveredAt),
              ),
            )
        ).map((r) => r.id),
      { timeout: 10_000 },
    )
    .toHaveLength(1);
  const [row] = await deps.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(sql`${outbox.payload}->>'refundId' = ${refund!.id}`);
  return { refundId: refund!.id, jobId: row!.id };
}

/** Every key of this test's Redis prefix goes, as when Redis loses its data; no other test's. */
async function loseThisTestsRedis() {
  const keys = await deps.redis.keys(`${deps.env.REDIS_PREFIX}:*`);
  if (keys.length) await deps.redis.del(...keys);
}

/** Once the refund is done: the row, and what the processor made for the payment. */
async function refundOutcome(refundId: string, intentId: string) {
  await expect
    .poll(
      async () => (await deps.db.select().from(refunds).where(eq(refunds.id, refundId)))[0]?.status,
      // The sweep interval plus the resend delay, with room for a busy machine.
      { timeout: (SWEEP_SECONDS + RESEND_SECONDS) * 1000 + 10_000, interval: 200 },
    )
    .toBe('succeeded');
  const made = await deps.payments.stripe.refunds.list({ payment_intent: intentId, limit: 100 });
  return made.data;
}

describe('the refund sweeper', () => {
  it('sends a refund whose job Redis lost after the relay delivered it, exactly once', async () => {
    const { order, owner, intentId } = await paidOrder();
    const queue = jobs.queueFor('payments');
    // Hold the queue so the delivered job waits in Redis, then Redis loses everything.
    await queue.pause();
    const { refundId, jobId } = await rejectAndAwaitDelivery(owner.id, order.id);
    expect(await queue.getJob(jobId)).toBeDefined();
    await loseThisTestsRedis();
    expect(await queue.getJob(jobId)).toBeUndefined();

    const made = await refundOutcome(refundId, intentId);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ amount: order.totalFen, metadata: { refund_id: refundId } });
    // The schedules came back by themselves, the platform still running.
    expect(await queue.getJobScheduler('refund-sweep')).toBeTruthy();
    expect(await checkInvariants(deps.db)).toMatchObject({ ok: true });
  }, 40_000);

  it('sends a refund whose job BullMQ gave up as stalled, exactly once', async () => {
    const { order, owner, intentId } = await paidOrder();
    // The platform's workers are down; the relay delivered the job before they went.
    await jobs.queueFor('payments').pause();
    const { refundId, jobId } = await rejectAndAwaitDelivery(owner.id, order.id);
    await jobs.close();

    // A worker takes the job and dies under it until BullMQ gives it up as stalled.
    const connection = openRedis(deps.env, { maxRetriesPerRequest: null });
    const dying = new Worker('payments', null, {
      connection,
      prefix: queuePrefix(deps.env, 'payments'),
    });
    const queue = new Queue('payments', { connection, prefix: queuePrefix(deps.env, 'payments') });
    await queue.resume();
    let job: Job | undefined;
    for (let i = 0; i < 20 && job?.id !== jobId; i++) {
      // Scheduled sweeps due by now come first: they finish; the refund's job is the one that dies.
      if (job) await job.moveToCompleted('done', 'dying-worker', false);
      job = await dying.getNextJob('dying-worker');
    }
    expect(job?.id).toBe(jobId);
    // Given up as stalled is given up for good, whatever attempts the job had left.
    await job!.moveToFailed(
      new UnrecoverableError('job stalled more than allowable limit'),
      'dying-worker',
    );
    expect(await (await queue.getJob(jobId))!.getState()).toBe('failed');
    await dying.close();
    await queue.close();
    connection.disconnect();

    jobs = await startJobs(deps);
    const made = await refundOutcome(refundId, intentId);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ amount: order.totalFen, metadata: { refund_id: refundId } });
    // The job stays failed in BullMQ; the refund was redone from PostgreSQL under a new job.
    expect(await (await jobs.queueFor('payments').getJob(jobId))!.getState()).toBe('failed');
    expect(await checkInvariants(deps.db)).toMatchObject({ ok: true });
  }, 40_000);
});
