import { buildings, orderEvents, orders, services, slaBreaches, units, workers } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { asc, eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestDeps, payOrder, type TestDeps } from '../../testing';
import { fireOrderTimer, sweepOverdueTimers } from '../orders/order-timers.service';
import { cancellationTerms } from '../orders/cancellation';
import { timersFrom } from '../orders/timers';
import { savePhoto } from '../uploads/uploads.service';
import { photoStoreFor } from '../uploads/photo-store';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps({ UPLOAD_DIR: await mkdtemp(join(tmpdir(), 'cgp-od-')) });
});
afterAll(() => deps.teardown());

const reasonOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) =>
      e instanceof TRPCError ? ((e.cause as { reason?: string })?.reason ?? e.code) : String(e),
  );

/** A care merchant offering on-demand care, with `count` workers and a resident in `ring`. */
async function careShop(count: number, ring: 'core' | 'service' | 'guarantee' = 'service') {
  const f = deps.factories;
  const market = await f.createMarketplace({ category: 'temporary_care' });
  await deps.db.update(services).set({ onDemand: true }).where(eq(services.id, market.service.id));
  const [unit] = await deps.db.select().from(units).where(eq(units.id, market.resident.unit.id));
  await deps.db.update(buildings).set({ ring }).where(eq(buildings.id, unit!.buildingId));
  const staff = [];
  for (let i = 0; i < count; i++) {
    const user = await f.createUser({
      role: 'merchant_staff',
      displayName: `护工${i + 1}`,
      merchantId: market.merchant.id,
      merchantRole: 'staff',
    });
    await deps.db
      .insert(workers)
      .values({ merchantId: market.merchant.id, userId: user.id, categories: ['temporary_care'] });
    staff.push(user);
  }
  const resident = await callerFor(deps, market.resident.id);
  const book = () =>
    resident.booking.create({
      mode: 'on_demand',
      serviceId: market.service.id,
      quantity: 2,
      careRecipient: { name: '张奶奶', age: 82, needs: '陪伴聊天' },
      idempotencyKey: randomUUID(),
    });
  return { ...market, staff, resident, book };
}

describe('booking.create on demand', () => {
  it('holds the free worker at once, with the ring on the order; none free says so', async () => {
    const shop = await careShop(1, 'core');
    const order = await shop.book();
    expect(order).toMatchObject({
      status: 'pending_payment',
      mode: 'on_demand',
      ring: 'core',
      worker: { name: '护工1' },
    });
    expect(await reasonOf(shop.book())).toBe('no_worker_available');
  });

  it('offers the ring\'s deadlines before booking and says when no one is free', async () => {
    const shop = await careShop(1, 'guarantee');
    const offer = () => shop.resident.booking.onDemandOffer({ serviceId: shop.service.id });
    expect(await offer()).toEqual({
      ring: 'guarantee',
      acceptMinutes: 60,
      arriveMinutes: 60,
      available: true,
    });
    await shop.book();
    expect(await offer()).toMatchObject({ ring: 'guarantee', available: false });
    // A service booked only by time slot has no 立即上门 to offer.
    await deps.db.update(services).set({ onDemand: false }).where(eq(services.id, shop.service.id));
    expect(await reasonOf(offer())).toBe('not_on_demand');
    expect(await shop.resident.catalog.service({ id: shop.service.id })).toMatchObject({
      onDemand: false,
    });
  });
});

const RINGS = [
  ['core', 5, 5],
  ['service', 15, 30],
  ['guarantee', 60, 60],
] as const;

const minutesBetween = (a: string | null, b: string | null) =>
  Math.round((new Date(a!).getTime() - new Date(b!).getTime()) / 60_000);

async function breachesOf(orderId: string) {
  return deps.db.select().from(slaBreaches).where(eq(slaBreaches.orderId, orderId));
}

/** Moves a deadline into the past, as if that much time had gone by. */
async function overdueBy(orderId: string, column: 'accept_due_at' | 'arrive_due_at', s: number) {
  await deps.db.execute(
    sql`UPDATE orders SET ${sql.raw(column)} = now() - make_interval(secs => ${s}) WHERE id = ${orderId}`,
  );
}

describe('the 360° service circle SLA', () => {
  for (const [ring, acceptMinutes, arriveMinutes] of RINGS) {
    it(`${ring} ring: deadlines from payment; a late acceptance and a late arrival breach once each`, async () => {
      const shop = await careShop(2, ring);
      const timers = timersFrom(deps.env);
      const owner = await callerFor(deps, shop.owner.id);

      // One order nobody accepts.
      const ignored = await shop.book();
      await payOrder(deps, ignored.id);
      const paid = await owner.merchant.orders.get({ id: ignored.id });
      expect(minutesBetween(paid.acceptDueAt, paid.paidAt)).toBe(acceptMinutes);
      expect(minutesBetween(paid.arriveDueAt, paid.paidAt)).toBe(arriveMinutes);
      await overdueBy(ignored.id, 'accept_due_at', 90);
      expect(await fireOrderTimer(deps.db, 'acceptance-sla', ignored.id, timers)).toBe('applied');
      expect(await fireOrderTimer(deps.db, 'acceptance-sla', ignored.id, timers)).toBe('skipped');
      await sweepOverdueTimers(deps.db, timers);
      const [missed, ...more] = await breachesOf(ignored.id);
      expect(more).toEqual([]);
      expect(missed).toMatchObject({ step: 'accept', ring });
      expect(missed!.lateSeconds).toBeGreaterThanOrEqual(90);
      expect(missed!.lateSeconds).toBeLessThan(120);
      const mine = await shop.resident.order.get({ id: ignored.id });
      expect(mine.status).toBe('rejected');
      expect(mine.refundFen).toBe(mine.totalFen);

      // One order accepted whose worker is late.
      const late = await shop.book();
      await payOrder(deps, late.id);
      await owner.merchant.orders.accept({ id: late.id });
      await overdueBy(late.id, 'arrive_due_at', 120);
      expect(await fireOrderTimer(deps.db, 'arrival-sla', late.id, timers)).toBe('applied');
      expect(await fireOrderTimer(deps.db, 'arrival-sla', late.id, timers)).toBe('skipped');
      expect(await sweepOverdueTimers(deps.db, timers)).toBe(0);
      const [lateArrival, ...again] = await breachesOf(late.id);
      expect(again).toEqual([]);
      expect(lateArrival).toMatchObject({ step: 'arrive', ring });
      expect(lateArrival!.lateSeconds).toBeGreaterThanOrEqual(120);
      expect(lateArrival!.lateSeconds).toBeLessThan(150);
      const events = (await owner.merchant.orders.get({ id: late.id })).events;
      expect(events.filter((e) => e.kind === 'sla_breach')).toHaveLength(1);
    });
  }

  it('is found by the sweeper when the timer job was lost, and not when the worker arrived in time', async () => {
    const shop = await careShop(2, 'service');
    const timers = timersFrom(deps.env);
    const owner = await callerFor(deps, shop.owner.id);
    const [lost, onTime] = [await shop.book(), await shop.book()];
    for (const o of [lost, onTime]) {
      await payOrder(deps, o.id);
      await owner.merchant.orders.accept({ id: o.id });
    }
    const worker = await callerFor(
      deps,
      shop.staff.find((s) => s.displayName === onTime.worker!.name)!.id,
    );
    await worker.worker.tasks.arrive({ id: onTime.id });
    await overdueBy(lost.id, 'arrive_due_at', 60);
    await overdueBy(onTime.id, 'arrive_due_at', 60);
    // No timer ran (Redis lost the job): the sweeper finds the overdue arrival in PostgreSQL.
    expect(await sweepOverdueTimers(deps.db, timers)).toBe(1);
    expect(await sweepOverdueTimers(deps.db, timers)).toBe(0);
    expect(await breachesOf(lost.id)).toHaveLength(1);
    expect(await breachesOf(onTime.id)).toEqual([]);
  });
});

describe('worker.tasks', () => {
  it('lists the task, checks in on arrival and completes with a photo and a note', async () => {
    const shop = await careShop(1, 'core');
    const order = await shop.book();
    await payOrder(deps, order.id);
    const worker = await callerFor(deps, shop.staff[0]!.id);
    const owner = await callerFor(deps, shop.owner.id);

    const before = await worker.worker.tasks.list();
    expect(before.items).toEqual([
      expect.objectContaining({
        id: order.id,
        status: 'paid',
        building: '1号楼',
        canArrive: false,
      }),
    ]);
    expect(await reasonOf(worker.worker.tasks.arrive({ id: order.id }))).toBe('not_accepted');
    await owner.merchant.orders.accept({ id: order.id });
    const arrived = await worker.worker.tasks.arrive({ id: order.id });
    expect(arrived.status).toBe('in_service');
    expect(arrived.arrivedAt).not.toBeNull();
    expect(await reasonOf(worker.worker.tasks.arrive({ id: order.id }))).toBe('already_arrived');
    // The arrival is on the order's history as the worker's own step, then the start it caused.
    const history = await deps.db
      .select()
      .from(orderEvents)
      .where(eq(orderEvents.orderId, order.id))
      .orderBy(asc(orderEvents.id));
    expect(history.slice(-2)).toMatchObject([
      {
        kind: 'arrive',
        actorKind: 'merchant',
        actorId: shop.staff[0]!.id,
        fromStatus: 'accepted',
        toStatus: 'accepted',
        reason: 'worker arrived',
        detail: { workerName: '护工1', lateSeconds: 0 },
      },
      { kind: 'status', fromStatus: 'accepted', toStatus: 'in_service', reason: 'worker arrived' },
    ]);

    // Someone else's worker and the owner (not a worker) cannot act on the task.
    const stranger = await careShop(1);
    expect(
      await reasonOf(
        (await callerFor(deps, stranger.staff[0]!.id)).worker.tasks.arrive({ id: order.id }),
      ),
    ).toBe('not_found');
    expect(await reasonOf(owner.worker.tasks.list())).toBe('FORBIDDEN');

    const store = photoStoreFor(deps.env);
    const png = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 200, b: 90 } },
    })
      .png()
      .toBuffer();
    const mine = await savePhoto(
      deps.db,
      store,
      { ...shop.staff[0]!, role: 'merchant_staff' } as never,
      png,
    );
    const theirs = await savePhoto(
      deps.db,
      store,
      { ...stranger.staff[0]!, role: 'merchant_staff' } as never,
      png,
    );
    const complete = (photoIds: string[], note = '已陪护两小时，老人午睡') =>
      reasonOf(worker.worker.tasks.complete({ id: order.id, photoIds, note }));
    expect(await complete([])).toBe('BAD_REQUEST');
    expect(await complete([mine.id], ' ')).toBe('BAD_REQUEST');
    expect(await complete([theirs.id])).toBe('photo_not_yours');
    expect(await complete([mine.id])).toBe('ok');

    const seen = await shop.resident.order.get({ id: order.id });
    expect(seen).toMatchObject({ status: 'completed', completionNote: '已陪护两小时，老人午睡' });
    expect(seen.photos.map((p) => p.url)).toEqual([`/uploads/${mine.id}`]);
    expect(seen.worker?.name).toBe('护工1');
    const done = await worker.worker.tasks.list();
    expect(done.items[0]).toMatchObject({
      status: 'completed',
      photos: [expect.objectContaining({ id: mine.id })],
    });
    // The worker is free again for the next on-demand order.
    expect(await reasonOf(shop.book())).toBe('ok');
  });
});

describe('cancelling an on-demand order', () => {
  it('follows the service\'s cancellation policy like a slot order: the late fee once dispatched, none after arrival', async () => {
    const shop = await careShop(1, 'service');
    const [service] = await deps.db.select().from(services).where(eq(services.id, shop.service.id));
    const order = await shop.book();
    await payOrder(deps, order.id);

    // Booked "now", the order starts at once, so it is always inside the free-cancel window:
    // the resident gets back what cancellationTerms gives a slot order starting now.
    const [row] = await deps.db.select().from(orders).where(eq(orders.id, order.id));
    const expected = cancellationTerms({
      totalFen: row!.totalFen,
      startsAt: new Date(order.slot.startsAt),
      now: new Date(),
      policy: service!,
    });
    expect(service!.lateCancelFeeBps).toBeGreaterThan(0);
    expect(expected).toMatchObject({ free: false });
    expect(expected.feeFen).toBe(Math.round((row!.totalFen * service!.lateCancelFeeBps) / 10_000));
    const cancelled = await shop.resident.order.cancel({ id: order.id, reason: '家人已到' });
    expect(cancelled).toMatchObject({
      order: { status: 'cancelled' },
      refundFen: expected.refundFen,
    });
    expect(expected.refundFen).toBeLessThan(row!.totalFen);
    // The worker it held is free again at once.
    const again = await shop.book();
    expect(again.worker?.name).toBe('护工1');

    // Once the worker has arrived the service has begun: no cancelling, only a dispute later.
    await payOrder(deps, again.id);
    await (await callerFor(deps, shop.owner.id)).merchant.orders.accept({ id: again.id });
    await (await callerFor(deps, shop.staff[0]!.id)).worker.tasks.arrive({ id: again.id });
    expect(
      await reasonOf(shop.resident.order.cancel({ id: again.id, reason: '不需要了' })),
    ).toBe('invalid_transition');
    const [after] = await deps.db.select().from(orders).where(eq(orders.id, again.id));
    expect(after).toMatchObject({ status: 'in_service', refundFen: 0 });
  });
});
