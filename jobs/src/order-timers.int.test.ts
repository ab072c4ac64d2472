import { orderEvents, outbox, orders, services, slaBreaches, slots, workers } from '@cgp/db';
import { fireOrderTimer, timersFrom } from '@cgp/api';
import {
  bookSlot,
  callerFor,
  createTestDeps,
  forceOrderState,
  payOrder,
  type TestDeps,
} from '@cgp/api/testing';
import { and, eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startJobs, type Jobs } from './start';
import { DisposableRedis } from './testing/redis-server';

const FAST_TIMERS = {
  PAYMENT_TIMEOUT_SECONDS: '1',
  ACCEPT_SLA_SECONDS: '1',
  AUTO_CONFIRM_SECONDS: '1',
  OUTBOX_POLL_MS: '100',
  TIMER_SWEEP_SECONDS: '3600',
};

async function waitFor<T>(
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await probe();
  }
  return value;
}

async function orderOf(deps: TestDeps, id: string) {
  const [row] = await deps.db.select().from(orders).where(eq(orders.id, id));
  return row!;
}
async function bookedOf(deps: TestDeps, slotId: string) {
  return (await deps.db.select().from(slots).where(eq(slots.id, slotId)))[0]!.booked;
}

describe('order timers through the outbox and BullMQ', () => {
  let deps: TestDeps;
  let jobs: Jobs | undefined;
  beforeAll(async () => {
    deps = await createTestDeps(FAST_TIMERS);
  });
  afterEach(async () => {
    await jobs?.close();
    jobs = undefined;
  });
  afterAll(() => deps.teardown());

  it('expires an unpaid order and releases its capacity', async () => {
    jobs = await startJobs(deps);
    const { service, resident } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: 2 });
    const order = await bookSlot(deps, resident.id, slot.id);
    expect(await bookedOf(deps, slot.id)).toBe(1);
    const after = await waitFor(
      () => orderOf(deps, order.id),
      (o) => o.status === 'expired',
    );
    expect(after.status).toBe('expired');
    expect(await bookedOf(deps, slot.id)).toBe(0);
    const [timer] = await deps.db.select().from(outbox).where(eq(outbox.name, 'payment-expiry'));
    expect(timer!.deliveredAt).not.toBeNull();
  });

  it('rejects a paid order the merchant did not accept in time, recording the breach and the refund', async () => {
    jobs = await startJobs(deps);
    const { service, resident } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id });
    const order = await bookSlot(deps, resident.id, slot.id);
    await payOrder(deps, order.id);
    const after = await waitFor(
      () => orderOf(deps, order.id),
      (o) => o.status === 'rejected',
    );
    expect(after).toMatchObject({ status: 'rejected', refundFen: order.totalFen });
    expect(after.slaBreachedAt).not.toBeNull();
  });

  it('does nothing when the order moved on before its timer fired', async () => {
    const { service, resident } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id });
    const order = await bookSlot(deps, resident.id, slot.id);
    await payOrder(deps, order.id);
    await forceOrderState(deps, order.id, 'paid', {
      paymentDueInSeconds: -60,
      acceptDueInSeconds: 600,
    });
    const timers = timersFrom(deps.env);
    expect(await fireOrderTimer(deps.db, 'payment-expiry', order.id, timers)).toBe('skipped');
    expect(await fireOrderTimer(deps.db, 'payment-expiry', order.id, timers)).toBe('skipped');
    expect((await orderOf(deps, order.id)).status).toBe('paid');
    expect(await bookedOf(deps, slot.id)).toBe(1);
  });
});

describe('when Redis goes away', () => {
  let redis: DisposableRedis;
  let deps: TestDeps;
  let jobs: Jobs | undefined;
  beforeAll(async () => {
    redis = await DisposableRedis.start();
    deps = await createTestDeps({
      ...FAST_TIMERS,
      PAYMENT_TIMEOUT_SECONDS: '2',
      ACCEPT_SLA_SECONDS: '900',
      REDIS_URL: redis.url,
    });
  });
  afterAll(async () => {
    await jobs?.close();
    await deps.teardown();
    await redis.down();
  });

  it('still books, keeps the timer in the outbox, and fires it once Redis is back', async () => {
    jobs = await startJobs(deps);
    const { service, resident } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: 1 });

    await redis.down();
    const order = await bookSlot(deps, resident.id, slot.id);
    expect(order.status).toBe('pending_payment');
    await new Promise((r) => setTimeout(r, 3000)); // past the 2 s deadline, Redis still down
    const [held] = await deps.db.select().from(outbox).where(eq(outbox.name, 'payment-expiry'));
    expect(held!.deliveredAt).toBeNull();
    expect((await orderOf(deps, order.id)).status).toBe('pending_payment');

    await redis.up(); // comes back empty, as a Redis without persistence does
    const after = await waitFor(
      () => orderOf(deps, order.id),
      (o) => o.status === 'expired',
      20_000,
    );
    expect(after.status).toBe('expired');
    expect(await bookedOf(deps, slot.id)).toBe(0);
  }, 40_000);
});

describe('an on-demand arrival SLA when Redis loses its jobs and the worker process dies', () => {
  let redis: DisposableRedis;
  let deps: TestDeps;
  let jobs: Jobs | undefined;
  beforeAll(async () => {
    redis = await DisposableRedis.start();
    deps = await createTestDeps({
      ...FAST_TIMERS,
      PAYMENT_TIMEOUT_SECONDS: '900',
      TIMER_SWEEP_SECONDS: '1',
      REDIS_URL: redis.url,
    });
  });
  afterAll(async () => {
    await jobs?.close();
    await deps.teardown();
    await redis.down();
  });

  it('records the late arrival once, from PostgreSQL, after Redis came back empty', async () => {
    const f = deps.factories;
    const market = await f.createMarketplace({ category: 'temporary_care' });
    await deps.db
      .update(services)
      .set({ onDemand: true })
      .where(eq(services.id, market.service.id));
    const staff = await f.createMerchantStaff(market.merchant.id, 'staff');
    await deps.db
      .insert(workers)
      .values({ merchantId: market.merchant.id, userId: staff.id, categories: ['temporary_care'] });
    const resident = await callerFor(deps, market.resident.id);
    const order = await resident.booking.create({
      mode: 'on_demand',
      serviceId: market.service.id,
      quantity: 1,
      careRecipient: { name: '李爷爷', age: 79, needs: '' },
      idempotencyKey: randomUUID(),
    });
    await payOrder(deps, order.id);
    await (await callerFor(deps, market.owner.id)).merchant.orders.accept({ id: order.id });

    jobs = await startJobs(deps);
    // The relay hands the 30-minute arrival timer to Redis…
    const delivered = await waitFor(
      () => deps.db.select().from(outbox).where(eq(outbox.name, 'arrival-sla')),
      (rows) => rows.every((r) => r.deliveredAt !== null),
    );
    expect(delivered).toHaveLength(1);
    // …then the worker process dies and Redis restarts empty, and the deadline passes.
    await jobs.close();
    jobs = undefined;
    await redis.down();
    await redis.up();
    await deps.db.execute(
      sql`UPDATE orders SET arrive_due_at = now() - interval '45 seconds' WHERE id = ${order.id}`,
    );
    jobs = await startJobs(deps);
    const breaches = await waitFor(
      () => deps.db.select().from(slaBreaches).where(eq(slaBreaches.orderId, order.id)),
      (rows) => rows.length > 0,
    );
    // A second process sweeping at the same time adds nothing.
    const second = await startJobs(deps);
    await new Promise((r) => setTimeout(r, 2500));
    await second.close();
    const after = await deps.db.select().from(slaBreaches).where(eq(slaBreaches.orderId, order.id));
    expect(after).toHaveLength(1);
    expect(breaches[0]).toMatchObject({ step: 'arrive', ring: 'service' });
    expect(after[0]!.lateSeconds).toBeGreaterThanOrEqual(45);
    const events = await deps.db
      .select()
      .from(orderEvents)
      .where(and(eq(orderEvents.orderId, order.id), eq(orderEvents.kind, 'sla_breach')));
    expect(events).toHaveLength(1);
  }, 60_000);
});
