import { outbox, orders, slots } from '@cgp/db';
import { fireOrderTimer, timersFrom } from '@cgp/api';
import {
  bookSlot,
  createTestDeps,
  forceOrderState,
  payOrder,
  type TestDeps,
} from '@cgp/api/testing';
import { eq } from 'drizzle-orm';
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
