import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextInner } from '../../context';
import { createCaller } from '../../router';
import {
  bookSlot,
  callerFor,
  createTestDeps,
  forceOrderState,
  orderSlotStartsIn,
  payOrder,
  tokenFor,
  type TestDeps,
} from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

type Market = Awaited<ReturnType<TestDeps['factories']['createMarketplace']>>;

async function paidOrder(market: Market, residentId = market.resident.id, startsInMinutes = 1440) {
  const slot = await deps.factories.createSlot({ serviceId: market.service.id, startsInMinutes });
  const order = await bookSlot(deps, residentId, slot.id);
  await payOrder(deps, order.id);
  return order;
}

/** The first event the merchant's live feed pushes for `orderId`. */
async function firstLiveEvent(userId: string, orderId: string, change: () => Promise<unknown>) {
  const controller = new AbortController();
  const caller = createCaller(
    await createContextInner({ deps, token: await tokenFor(deps, userId) }),
    { signal: controller.signal },
  );
  const iterator = (await caller.merchant.orders.live())[Symbol.asyncIterator]();
  try {
    const first = iterator.next();
    await change();
    for (let result = await first; !result.done; result = await iterator.next()) {
      const [, data] = result.value as unknown as [string, { id: string }];
      if (data.id === orderId) return data;
    }
    throw new Error('the feed ended');
  } finally {
    controller.abort();
  }
}

describe('merchant order actions come from the server', () => {
  it('offers start only from 30 minutes before the slot, as the state machine enforces', async () => {
    const market = await deps.factories.createMarketplace();
    const owner = await callerFor(deps, market.owner.id);
    const order = await paidOrder(market);

    const paid = await owner.merchant.orders.get({ id: order.id });
    expect(paid.can).toEqual({
      accept: true,
      reject: true,
      start: false,
      complete: false,
      cancel: false,
      assign: true,
    });

    const { order: accepted } = await owner.merchant.orders.accept({ id: order.id });
    // Tomorrow's slot: too early. The flag and the refusal agree, and the view says from when.
    expect(accepted.can).toMatchObject({ accept: false, start: false, cancel: true });
    expect(accepted.startFrom).not.toBeNull();
    const slotStarts = Date.parse(accepted.slot.startsAt);
    expect(Date.parse(accepted.startFrom!)).toBe(slotStarts - 30 * 60_000);
    await expect(owner.merchant.orders.start({ id: order.id })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const [listed] = (await owner.merchant.orders.list({ limit: 50 })).items.filter(
      (o) => o.id === order.id,
    );
    expect(listed!.can.start).toBe(false);

    // 31 minutes before: still too early; 29 minutes before: startable in the list and the detail.
    await orderSlotStartsIn(deps, order.id, 31);
    expect((await owner.merchant.orders.get({ id: order.id })).can.start).toBe(false);
    await orderSlotStartsIn(deps, order.id, 29);
    const due = await owner.merchant.orders.get({ id: order.id });
    expect(due.can.start).toBe(true);
    expect(due.startFrom).toBeNull();
    const [dueListed] = (await owner.merchant.orders.list({ limit: 50 })).items.filter(
      (o) => o.id === order.id,
    );
    expect(dueListed!.can.start).toBe(true);

    const { order: started } = await owner.merchant.orders.start({ id: order.id });
    expect(started.can).toEqual({
      accept: false,
      reject: false,
      start: false,
      complete: true,
      cancel: false,
      assign: false,
    });
    const { order: done } = await owner.merchant.orders.complete({ id: order.id });
    expect(Object.values(done.can).some(Boolean)).toBe(false);
  });

  it('pushes the flags with every live change', async () => {
    const market = await deps.factories.createMarketplace();
    const slot = await deps.factories.createSlot({ serviceId: market.service.id });
    const order = await bookSlot(deps, market.resident.id, slot.id);
    const pushed = await firstLiveEvent(market.owner.id, order.id, () => payOrder(deps, order.id));
    expect(pushed).toMatchObject({ id: order.id, can: { accept: true, start: false } });
  });
});

describe("the resident's phone in the merchant's views", () => {
  it('is masked everywhere, with a call link in the detail only while the order is served', async () => {
    const market = await deps.factories.createMarketplace();
    const resident = await deps.factories.createResident({
      community: market.resident.community,
      phone: '13800990002',
    });
    const owner = await callerFor(deps, market.owner.id);
    const staff = await callerFor(
      deps,
      (await deps.factories.createMerchantStaff(market.merchant.id, 'staff')).id,
    );
    const slot = await deps.factories.createSlot({ serviceId: market.service.id });
    const order = await bookSlot(deps, resident.id, slot.id);
    const live = await firstLiveEvent(market.owner.id, order.id, () => payOrder(deps, order.id));
    expect(JSON.stringify(live)).not.toContain('13800990002');
    expect(live).toMatchObject({ residentPhoneMasked: '138****0002' });

    for (const who of [owner, staff]) {
      const list = await who.merchant.orders.list({ limit: 50 });
      expect(JSON.stringify(list)).not.toContain('13800990002');
      expect(list.items.find((o) => o.id === order.id)!.residentPhoneMasked).toBe('138****0002');
      const detail = await who.merchant.orders.get({ id: order.id });
      expect(detail.residentPhoneMasked).toBe('138****0002');
      // The number appears once, as the call link, and nowhere else in the answer.
      expect(detail.residentCallLink).toBe('tel:13800990002');
      expect(JSON.stringify({ ...detail, residentCallLink: null })).not.toContain('13800990002');
    }
    const { order: accepted } = await owner.merchant.orders.accept({ id: order.id });
    expect(JSON.stringify(accepted)).not.toContain('13800990002');

    // Done with: no call link any more, only the masked number.
    await forceOrderState(deps, order.id, 'completed');
    const done = await owner.merchant.orders.get({ id: order.id });
    expect(done.residentCallLink).toBeNull();
    expect(JSON.stringify(done)).not.toContain('13800990002');
    expect(done.residentPhoneMasked).toBe('138****0002');
  });
});

describe('merchant.orders.list search', () => {
  it("finds the merchant's own orders by number, resident name or phone's last digits", async () => {
    const market = await deps.factories.createMarketplace();
    const other = await deps.factories.createMarketplace();
    const wang = await deps.factories.createUser({
      role: 'resident',
      displayName: '王秀英',
      unitId: market.resident.unitId,
      phone: '13900774321',
    });
    const mine = await paidOrder(market);
    const wangs = await paidOrder(market, wang.id);
    // Another shop's order from someone of the same name and number ending never shows.
    const elsewhere = await deps.factories.createUser({
      role: 'resident',
      displayName: '王秀英',
      unitId: other.resident.unitId,
      phone: '13700004321',
    });
    await paidOrder(other, elsewhere.id);

    const owner = await callerFor(deps, market.owner.id);
    const search = async (text: string) =>
      (await owner.merchant.orders.list({ search: text, limit: 50 })).items.map((o) => o.id);
    expect(await search(mine.orderNo)).toEqual([mine.id]);
    expect(await search(wangs.orderNo.toLowerCase())).toEqual([wangs.id]);
    expect(await search('秀英')).toEqual([wangs.id]);
    expect(await search('4321')).toEqual([wangs.id]);
    expect(await search('13900774321')).toEqual([wangs.id]);
    // A phone's middle digits are no search key; LIKE's wildcards match themselves.
    expect(await search('0077')).toEqual([]);
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual([]);
    // With the status filter too.
    expect(
      (await owner.merchant.orders.list({ search: '4321', status: ['completed'], limit: 50 }))
        .items,
    ).toEqual([]);

    // Too long a search is a clear 400.
    const tooLong = await owner.merchant.orders
      .list({ search: 'x'.repeat(41), limit: 50 })
      .catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(TRPCError);
    expect((tooLong as TRPCError).code).toBe('BAD_REQUEST');
  });
});
