import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePhone } from '@cgp/db/testing';
import { createContextInner } from '../../context';
import { act } from '../orders/order-actions';
import { timersFrom } from '../orders/timers';
import { createCaller } from '../../router';
import {
  bookSlot,
  callerFor,
  createTestDeps,
  forceOrderState,
  payOrder,
  slotStartsIn,
  tokenFor,
  type TestDeps,
} from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

async function paidOrder() {
  const market = await deps.factories.createMarketplace();
  const slot = await deps.factories.createSlot({ serviceId: market.service.id });
  const order = await bookSlot(deps, market.resident.id, slot.id, { quantity: 1 });
  await payOrder(deps, order.id);
  // Close enough to the slot that the merchant may start the service.
  await slotStartsIn(deps, slot.id, 10);
  return { ...market, order };
}

describe('me.messages', () => {
  it('has a message for every event of my orders that someone else caused, newest first, with a badge count', async () => {
    const { resident, owner, order } = await paidOrder();
    const me = await callerFor(deps, resident.id);
    const merchant = await callerFor(deps, owner.id);
    // The shop keeps a worker, so accepting dispatches the order to someone.
    await merchant.merchant.workers.create({
      name: '王师傅',
      phone: uniquePhone('16'),
      categories: ['housekeeping'],
      password: 'worker-pass-1',
    });
    await merchant.merchant.orders.accept({ id: order.id });
    await merchant.merchant.orders.start({ id: order.id });

    const list = await me.me.messages.list();
    // Placing the order was my own doing: no message for it.
    // Accepting dispatches the order to a worker: that is news too.
    expect(list.items.map((m) => [m.event.kind, m.event.to])).toEqual([
      ['status', 'in_service'],
      ['assign', 'accepted'],
      ['status', 'accepted'],
      ['status', 'paid'],
    ]);
    expect(list.items.every((m) => m.orderId === order.id && !m.read)).toBe(true);
    expect(list.unread).toBe(4);
    expect(list.items[0]!.service.titleZh).toBeTruthy();

    // Reading one lowers the badge; reading it again or another resident's message changes nothing.
    const first = list.items[0]!.id;
    expect(await me.me.messages.read({ ids: [first] })).toEqual({ unread: 3 });
    expect(await me.me.messages.read({ ids: [first] })).toEqual({ unread: 3 });
    const other = await paidOrder();
    const theirs = (await (await callerFor(deps, other.resident.id)).me.messages.list()).items;
    expect(await me.me.messages.read({ ids: theirs.map((m) => m.id) })).toEqual({ unread: 3 });
    expect((await (await callerFor(deps, other.resident.id)).me.messages.unread()).unread).toBe(1);

    const again = await me.me.messages.list();
    expect(again.items.map((m) => m.read)).toEqual([true, false, false, false]);
    expect((await me.me.messages.list({ limit: 30, unreadOnly: true })).items).toHaveLength(3);
    expect(await me.me.messages.read({ all: true })).toEqual({ unread: 0 });
    expect((await me.me.messages.unread()).unread).toBe(0);
  });

  it('pages by cursor and refuses what is not a message id', async () => {
    const { resident, owner, order } = await paidOrder();
    const merchant = await callerFor(deps, owner.id);
    await merchant.merchant.orders.accept({ id: order.id });
    const me = await callerFor(deps, resident.id);
    const page1 = await me.me.messages.list({ limit: 1 });
    expect(page1.items).toHaveLength(1);
    const rest = await me.me.messages.list({ limit: 10, cursor: page1.nextCursor! });
    expect(rest.items.map((m) => m.event.to).at(-1)).toBe('paid');
    expect(rest.items.map((m) => m.id)).not.toContain(page1.items[0]!.id);
    expect(rest.nextCursor).toBeNull();
    await expect(me.me.messages.read({ ids: ['1; DROP TABLE orders'] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(me.me.messages.list({ limit: 1, cursor: '-1' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('tells the resident when a timer refunds an order the merchant never accepted', async () => {
    const { resident, order } = await paidOrder();
    await forceOrderState(deps, order.id, 'paid', { acceptDueInSeconds: -1 });
    await act(deps.db, {
      orderId: order.id,
      action: 'slaReject',
      actor: { kind: 'system' },
      timers: timersFrom(deps.env),
      reason: 'acceptance SLA breached',
    });
    const me = await callerFor(deps, resident.id);
    const [latest] = (await me.me.messages.list()).items;
    expect(latest?.event).toEqual({
      kind: 'status',
      actorKind: 'system',
      from: 'paid',
      to: 'rejected',
    });
    expect(JSON.stringify(latest)).not.toContain('SLA');
  });

  it('is for residents only', async () => {
    const { owner } = await paidOrder();
    const merchant = await callerFor(deps, owner.id);
    await expect(merchant.me.messages.list()).rejects.toBeInstanceOf(TRPCError);
    await expect(merchant.me.messages.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('order.live', () => {
  it('pushes my order as the merchant moves it, and nothing of another resident', async () => {
    const { resident, owner, order, service, community } = await paidOrder();
    const controller = new AbortController();
    const caller = createCaller(
      await createContextInner({ deps, token: await tokenFor(deps, resident.id) }),
      { signal: controller.signal },
    );
    const iterator = (await caller.order.live())[Symbol.asyncIterator]();
    const seen: { id: string; status: string }[] = [];
    async function next(ms = 5_000) {
      const result = await Promise.race([
        iterator.next(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), ms)),
      ]);
      if (!result || result.done) return null;
      const [, data] = result.value as unknown as [string, { id: string; status: string }];
      seen.push(data);
      return data;
    }
    try {
      const merchant = await callerFor(deps, owner.id);
      // A neighbour's order at the same merchant is paid first; it never reaches me.
      const neighbour = await deps.factories.createResident({ community });
      const slot = await deps.factories.createSlot({ serviceId: service.id });
      const theirs = await bookSlot(deps, neighbour.id, slot.id);
      await payOrder(deps, theirs.id);
      await merchant.merchant.orders.accept({ id: order.id });
      expect(await next()).toMatchObject({ id: order.id, status: 'accepted' });
      await merchant.merchant.orders.start({ id: order.id });
      expect(await next()).toMatchObject({ id: order.id, status: 'in_service' });
      expect(seen.map((o) => o.id)).toEqual([order.id, order.id]);
    } finally {
      controller.abort();
    }
  });
});
