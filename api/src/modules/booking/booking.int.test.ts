import { orderEvents, orders, outbox, slots } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSlot, callerFor, createTestDeps, type TestDeps } from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps({ PAYMENT_TIMEOUT_SECONDS: '900' });
});
afterAll(() => deps.teardown());

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const e = error as TRPCError & { cause?: { reason?: string } };
  return { code: e.code, reason: e.cause?.reason, message: e.message };
}

const slotRow = async (id: string) =>
  (await deps.db.select().from(slots).where(eq(slots.id, id)))[0]!;

describe('booking.create', () => {
  it('holds capacity and creates a pending order with its event and payment-expiry timer', async () => {
    const { service, resident, merchant } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: 3 });
    const order = await bookSlot(deps, resident.id, slot.id, { quantity: 2, notes: '请带鞋套' });

    expect(order).toMatchObject({
      status: 'pending_payment',
      serviceId: service.id,
      slotId: slot.id,
      merchantId: merchant.id,
      quantity: 2,
      unitPriceFen: 5000,
      totalFen: 10_000,
      notes: '请带鞋套',
      replayed: false,
    });
    expect(order.address).toBe(`测试小区 1号楼 ${resident.unit.label}`);
    expect(Date.parse(order.paymentDueAt!) - Date.parse(order.createdAt)).toBeCloseTo(900_000, -3);
    // Housekeeping by the hour takes one visit of capacity however many hours.
    expect((await slotRow(slot.id)).booked).toBe(1);

    const events = await deps.db
      .select()
      .from(orderEvents)
      .where(eq(orderEvents.orderId, order.id));
    expect(events).toMatchObject([
      {
        fromStatus: null,
        toStatus: 'pending_payment',
        actorKind: 'resident',
        actorId: resident.id,
      },
    ]);
    const timers = await deps.db.select().from(outbox);
    const timer = timers.find((t) => (t.payload as { orderId: string }).orderId === order.id)!;
    expect(timer).toMatchObject({
      queue: 'order-timers',
      name: 'payment-expiry',
      deliveredAt: null,
    });
    expect(timer.runAt.toISOString()).toBe(order.paymentDueAt);
  });

  it('answers with the order exactly as order.get shows it, for a new booking and a replay', async () => {
    const { service, resident } = await deps.factories.createMarketplace({
      category: 'temporary_care',
    });
    const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: 2 });
    const caller = await callerFor(deps, resident.id);
    const request = {
      slotId: slot.id,
      quantity: 1,
      notes: '下午两点后到',
      careRecipient: { name: '王奶奶', age: 82, needs: '需要扶着走路' },
      idempotencyKey: randomUUID(),
    };
    const { replayed, ...created } = await caller.booking.create(request);
    expect(replayed).toBe(false);
    const shown = await caller.order.get({ id: created.id });
    expect(created).toEqual(
      Object.fromEntries(Object.keys(created).map((k) => [k, shown[k as keyof typeof shown]])),
    );
    expect(created.careRecipient).toEqual(request.careRecipient);
    expect(created.slot.startsAt).toBe(slot.startsAt.toISOString());

    const again = await caller.booking.create(request);
    expect(again).toEqual({ ...created, replayed: true });
  });

  it('takes one seat per meal for meal delivery', async () => {
    const { service, resident } = await deps.factories.createMarketplace({
      category: 'meal_delivery',
    });
    const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: 10 });
    await bookSlot(deps, resident.id, slot.id, { quantity: 3 });
    expect((await slotRow(slot.id)).booked).toBe(3);
  });

  it('returns the same order for a repeated idempotency key and refuses the key for another booking', async () => {
    const { service, resident } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id });
    const other = await deps.factories.createSlot({ serviceId: service.id, startsInMinutes: 3000 });
    const caller = await callerFor(deps, resident.id);
    const key = randomUUID();
    const first = await caller.booking.create({
      slotId: slot.id,
      quantity: 1,
      idempotencyKey: key,
    });
    const again = await caller.booking.create({
      slotId: slot.id,
      quantity: 1,
      idempotencyKey: key,
    });
    expect(again.id).toBe(first.id);
    expect(again.replayed).toBe(true);
    expect((await slotRow(slot.id)).booked).toBe(1);
    expect(
      await failure(caller.booking.create({ slotId: other.id, quantity: 1, idempotencyKey: key })),
    ).toMatchObject({
      code: 'CONFLICT',
      reason: 'idempotency_key_reused',
    });
  });

  it('makes one order from 20 concurrent requests with the same key', async () => {
    const { service, resident } = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: 50 });
    const key = randomUUID();
    const callers = await Promise.all(
      Array.from({ length: 20 }, () => callerFor(deps, resident.id)),
    );
    const results = await Promise.all(
      callers.map((c) => c.booking.create({ slotId: slot.id, quantity: 1, idempotencyKey: key })),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await deps.db.select().from(orders).where(eq(orders.slotId, slot.id))).toHaveLength(1);
    expect((await slotRow(slot.id)).booked).toBe(1);
  });

  it('refuses a full slot, a closed slot and one past its cut-off with CONFLICT, writing nothing', async () => {
    const f = deps.factories;
    const { service, resident } = await f.createMarketplace();
    const full = await f.createSlot({ serviceId: service.id, capacity: 1, booked: 1 });
    const closed = await f.createSlot({ serviceId: service.id, closed: true });
    const late = await f.createSlot({ serviceId: service.id, startsInMinutes: 30 }); // cut-off is 60 min
    const before = (await deps.db.select().from(orders)).length;
    expect(await failure(bookSlot(deps, resident.id, full.id))).toMatchObject({
      code: 'CONFLICT',
      reason: 'slot_full',
    });
    expect(await failure(bookSlot(deps, resident.id, closed.id))).toMatchObject({
      code: 'CONFLICT',
      reason: 'slot_closed',
    });
    expect(await failure(bookSlot(deps, resident.id, late.id))).toMatchObject({
      code: 'CONFLICT',
      reason: 'booking_closed',
    });
    expect((await deps.db.select().from(orders)).length).toBe(before);
    expect((await slotRow(full.id)).booked).toBe(1);
  });

  it('checks quantity bounds and what each category needs', async () => {
    const f = deps.factories;
    const { service, resident, community, merchant } = await f.createMarketplace();
    const slot = await f.createSlot({ serviceId: service.id });
    expect(await failure(bookSlot(deps, resident.id, slot.id, { quantity: 5 }))).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'quantity_out_of_range',
    });
    const care = await f.createService({
      merchantId: merchant.id,
      communityIds: [community.id],
      category: 'temporary_care',
    });
    const careSlot = await f.createSlot({ serviceId: care.id });
    expect(await failure(bookSlot(deps, resident.id, careSlot.id))).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'care_recipient_required',
    });
    const order = await bookSlot(deps, resident.id, careSlot.id, {
      careRecipient: { name: '王奶奶', age: 82, needs: '糖尿病，需提醒服药' },
    });
    expect(order.careRecipient).toEqual({ name: '王奶奶', age: 82, needs: '糖尿病，需提醒服药' });
  });

  it('does not let a resident book outside their community, and only residents book', async () => {
    const here = await deps.factories.createMarketplace();
    const there = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: there.service.id });
    expect(await failure(bookSlot(deps, here.resident.id, slot.id))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const owner = await callerFor(deps, there.owner.id);
    expect(
      await failure(
        owner.booking.create({ slotId: slot.id, quantity: 1, idempotencyKey: randomUUID() }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect((await slotRow(slot.id)).booked).toBe(0);
  });

  it('refuses malformed input with BAD_REQUEST', async () => {
    const { resident } = await deps.factories.createMarketplace();
    const caller = await callerFor(deps, resident.id);
    for (const input of [
      { slotId: 'x', quantity: 1, idempotencyKey: randomUUID() },
      { slotId: randomUUID(), quantity: 0, idempotencyKey: randomUUID() },
      { slotId: randomUUID(), quantity: 1.5, idempotencyKey: randomUUID() },
      { slotId: randomUUID(), quantity: 1, idempotencyKey: 'short' },
      { slotId: randomUUID(), quantity: 1, idempotencyKey: "'; DROP TABLE orders; --" },
    ]) {
      expect((await failure(caller.booking.create(input))).code).toBe('BAD_REQUEST');
    }
  });
});

describe('quantity bound to the slot', () => {
  it('sells no more hours than the slot lasts, and says how many it holds', async () => {
    const { service, resident } = await deps.factories.createMarketplace();
    // A 2-hour slot of a service sold by the hour, 1–4 hours.
    const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: 3 });
    const refused = await bookSlot(deps, resident.id, slot.id, { quantity: 3 }).then(
      () => null,
      (e: unknown) => e as TRPCError & { cause?: { reason?: string; details?: unknown } },
    );
    expect(refused?.code).toBe('BAD_REQUEST');
    expect(refused?.cause).toMatchObject({
      reason: 'quantity_exceeds_slot',
      details: { field: 'quantity', max: 2 },
    });
    expect((await slotRow(slot.id)).booked).toBe(0);
    expect((await bookSlot(deps, resident.id, slot.id, { quantity: 2 })).quantity).toBe(2);
  });
});
