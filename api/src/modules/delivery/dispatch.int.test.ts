import { orders, users } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookSlot,
  callerFor,
  createTestDeps,
  payOrder,
  slotStartsIn,
  type TestDeps,
} from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
  );

let phoneSeq = 0;
const newPhone = () =>
  `166${String(Date.now() % 1e6).padStart(6, '0')}${String(phoneSeq++ % 100).padStart(2, '0')}`;

/** A merchant with `workers` workers and `orders` paid orders on one slot (same two hours). */
async function shopWithWork(workerCount: number, orderCount: number) {
  const market = await deps.factories.createMarketplace();
  const owner = await callerFor(deps, market.owner.id);
  const created = [];
  for (let i = 0; i < workerCount; i++) {
    created.push(
      await owner.merchant.workers.create({
        name: `师傅${i + 1}`,
        phone: newPhone(),
        categories: ['housekeeping'],
        password: 'worker-pass-1',
      }),
    );
  }
  const slot = await deps.factories.createSlot({ serviceId: market.service.id, capacity: 50 });
  const paid = [];
  for (let i = 0; i < orderCount; i++) {
    const resident =
      i === 0
        ? market.resident
        : await deps.factories.createResident({ community: market.community });
    const order = await bookSlot(deps, resident.id, slot.id);
    await payOrder(deps, order.id);
    paid.push({ order, resident });
  }
  return { ...market, owner, workers: created, slot, paid };
}

/** Pairs of open orders of one worker whose periods overlap: must always be none. */
async function overlaps() {
  const rows = await deps.db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM ${orders} a JOIN ${orders} b
      ON a.worker_id = b.worker_id AND a.id < b.id AND a.service_period && b.service_period
     WHERE a.status IN ('pending_payment', 'paid', 'accepted', 'in_service')
       AND b.status IN ('pending_payment', 'paid', 'accepted', 'in_service')`);
  return rows.rows[0]!.n;
}

describe('merchant.workers', () => {
  it('lets the owner add, list and change workers, and no one else', async () => {
    const market = await deps.factories.createMarketplace();
    const owner = await callerFor(deps, market.owner.id);
    const phone = newPhone();
    const worker = await owner.merchant.workers.create({
      name: '王师傅',
      phone,
      categories: ['housekeeping', 'housekeeping'],
      password: 'worker-pass-1',
    });
    expect(worker).toMatchObject({
      name: '王师傅',
      phone,
      categories: ['housekeeping'],
      active: true,
      openOrders: 0,
    });
    const changed = await owner.merchant.workers.update({
      id: worker.id,
      name: '王建国',
      active: false,
    });
    expect(changed).toMatchObject({ name: '王建国', active: false });
    expect((await owner.merchant.workers.list()).items.map((w) => w.name)).toEqual(['王建国']);

    // The worker signs in with the phone and password the owner set.
    const login = await codeOf(
      (await callerFor(deps)).auth.login({ phone, password: 'worker-pass-1' }),
    );
    expect(login).toBe('ok');

    const again = await codeOf(
      owner.merchant.workers.create({
        name: '重复',
        phone,
        categories: ['housekeeping'],
        password: 'worker-pass-1',
      }),
    );
    expect(again).toBe('CONFLICT');
    const bad = await codeOf(
      owner.merchant.workers.create({ name: '', phone: '123', categories: [], password: 'x' }),
    );
    expect(bad).toBe('BAD_REQUEST');

    const staff = await deps.factories.createMerchantStaff(market.merchant.id, 'staff');
    expect(await codeOf((await callerFor(deps, staff.id)).merchant.workers.list())).toBe(
      'FORBIDDEN',
    );
    expect(await codeOf((await callerFor(deps, market.resident.id)).merchant.workers.list())).toBe(
      'FORBIDDEN',
    );
    const other = await deps.factories.createMarketplace();
    const otherOwner = await callerFor(deps, other.owner.id);
    expect((await otherOwner.merchant.workers.list()).items).toEqual([]);
    expect(await codeOf(otherOwner.merchant.workers.update({ id: worker.id, active: true }))).toBe(
      'NOT_FOUND',
    );
  });
});

describe('dispatch on acceptance', () => {
  it('gives each accepted order the free worker with the fewest open orders, and records it', async () => {
    const shop = await shopWithWork(2, 3);
    const [first, second, third] = shop.paid;
    const a = await shop.owner.merchant.orders.accept({ id: first!.order.id });
    const b = await shop.owner.merchant.orders.accept({ id: second!.order.id });
    expect(a.order.worker?.name).toBe('师傅1');
    expect(b.order.worker?.name).toBe('师傅2');
    // Both workers are busy for that slot: the third waits for the owner.
    const c = await shop.owner.merchant.orders.accept({ id: third!.order.id });
    expect(c.order.status).toBe('accepted');
    expect(c.order.worker).toBeNull();

    const detail = await shop.owner.merchant.orders.get({ id: first!.order.id });
    const assign = detail.events.filter((e) => e.kind === 'assign');
    expect(assign).toHaveLength(1);
    expect(assign[0]).toMatchObject({
      reason: 'dispatched',
      detail: { workerName: '师傅1', auto: true },
    });
    const waiting = await shop.owner.merchant.orders.get({ id: third!.order.id });
    expect(waiting.events.at(-1)).toMatchObject({ kind: 'assign', reason: 'no worker available' });

    // The resident sees the worker's name and a masked number.
    const mine = await (
      await callerFor(deps, first!.resident.id)
    ).order.get({ id: first!.order.id });
    expect(mine.worker).toMatchObject({ name: '师傅1' });
    expect(mine.worker?.phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/);
  });

  it('never gives a worker two overlapping orders when many accepts race', async () => {
    const shop = await shopWithWork(3, 12);
    const results = await Promise.all(
      shop.paid.map(({ order }) => shop.owner.merchant.orders.accept({ id: order.id })),
    );
    const assigned = results.map((r) => r.order.worker?.id).filter(Boolean);
    expect(results.every((r) => r.order.status === 'accepted')).toBe(true);
    expect(new Set(assigned).size).toBe(3);
    expect(assigned).toHaveLength(3);
    expect(await overlaps()).toBe(0);
  });
});

describe('merchant.orders.assign', () => {
  it('reassigns to a free worker, refuses a busy one, and is for the owner only', async () => {
    const shop = await shopWithWork(3, 2);
    const [first, second] = shop.paid;
    const a = await shop.owner.merchant.orders.accept({ id: first!.order.id });
    await shop.owner.merchant.orders.accept({ id: second!.order.id });
    const free = shop.workers[2]!;
    const moved = await shop.owner.merchant.orders.assign({
      id: first!.order.id,
      workerId: free.id,
    });
    expect(moved.worker?.name).toBe('师傅3');
    expect(moved.events.at(-1)).toMatchObject({
      kind: 'assign',
      reason: 'reassigned',
      detail: { workerName: '师傅3', previousWorkerName: a.order.worker!.name, auto: false },
    });
    // 师傅2 holds the second order at the same time.
    const busy = await codeOf(
      shop.owner.merchant.orders.assign({ id: first!.order.id, workerId: shop.workers[1]!.id }),
    );
    expect(busy).toBe('CONFLICT');

    const staff = await deps.factories.createMerchantStaff(shop.merchant.id, 'staff');
    expect(
      await codeOf(
        (await callerFor(deps, staff.id)).merchant.orders.assign({
          id: first!.order.id,
          workerId: shop.workers[0]!.id,
        }),
      ),
    ).toBe('FORBIDDEN');
    const other = await deps.factories.createMarketplace();
    expect(
      await codeOf(
        (await callerFor(deps, other.owner.id)).merchant.orders.assign({
          id: first!.order.id,
          workerId: free.id,
        }),
      ),
    ).toBe('NOT_FOUND');
    // Another merchant's worker is not this merchant's to use.
    const otherOwner = await callerFor(deps, other.owner.id);
    const stranger = await otherOwner.merchant.workers.create({
      name: '外人',
      phone: newPhone(),
      categories: ['housekeeping'],
      password: 'worker-pass-1',
    });
    expect(
      await codeOf(
        shop.owner.merchant.orders.assign({ id: first!.order.id, workerId: stranger.id }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('lets only one of many racing reassignments give one worker the same time', async () => {
    const shop = await shopWithWork(1, 8);
    const target = shop.workers[0]!;
    // Paid, not yet accepted: the owner hands them out by hand, all at once, to one worker.
    const outcomes = await Promise.all(
      shop.paid.map(({ order }) =>
        codeOf(shop.owner.merchant.orders.assign({ id: order.id, workerId: target.id })),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'CONFLICT')).toHaveLength(7);
    const held = await deps.db.select().from(orders).where(eq(orders.workerId, target.id));
    expect(held).toHaveLength(1);
    expect(await overlaps()).toBe(0);
  });
});

describe('a worker at the door of a slot order', () => {
  it('checks in from 30 minutes before the slot, and is refused a day early with nothing written', async () => {
    const shop = await shopWithWork(1, 1);
    const { order } = shop.paid[0]!;
    await shop.owner.merchant.orders.accept({ id: order.id });
    const [user] = await deps.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.phone, shop.workers[0]!.phone));
    const worker = await callerFor(deps, user!.id);
    const task = async () => (await worker.worker.tasks.list()).items[0]!;

    // The slot is tomorrow: no check-in yet, and trying anyway says why and records nothing.
    expect(await task()).toMatchObject({ id: order.id, status: 'accepted', canArrive: false });
    const early = await worker.worker.tasks.arrive({ id: order.id }).then(
      () => null,
      (e: unknown) => e as TRPCError,
    );
    expect(early?.code).toBe('CONFLICT');
    expect(early?.cause).toMatchObject({ reason: 'too_early_to_start' });
    expect(await task()).toMatchObject({ status: 'accepted', arrivedAt: null });

    await slotStartsIn(deps, shop.slot.id, 20);
    expect((await task()).canArrive).toBe(true);
    expect((await worker.worker.tasks.arrive({ id: order.id })).status).toBe('in_service');
  });
});
