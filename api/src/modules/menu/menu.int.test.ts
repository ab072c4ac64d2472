import { dishes, orderItems, orders, slots } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { count, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createMealMenu, createTestDeps, type TestDeps } from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const e = error as TRPCError & { cause?: { reason?: string; details?: Record<string, unknown> } };
  return { code: e.code, reason: e.cause?.reason, details: e.cause?.details };
}

const LUNCH = [
  { nameZh: '红烧肉饭', nameEn: 'Braised pork rice', priceFen: 2_450 },
  { nameZh: '番茄蛋汤', nameEn: 'Tomato egg soup', priceFen: 833 },
  { nameZh: '清炒时蔬', nameEn: 'Stir-fried greens', priceFen: 1_199 },
  { nameZh: '卤鸡腿', priceFen: 999, available: false },
];

async function writes(slotId: string) {
  const [slot] = await deps.db.select().from(slots).where(eq(slots.id, slotId));
  const [orderCount] = await deps.db
    .select({ n: count() })
    .from(orders)
    .where(eq(orders.slotId, slotId));
  const [lineCount] = await deps.db.select({ n: count() }).from(orderItems);
  return { booked: slot!.booked, orders: orderCount!.n, lines: lineCount!.n };
}

describe('booking a meal cart', () => {
  it('makes one order with a line per dish, frozen prices, the total of its lines and a seat per portion', async () => {
    const market = await createMealMenu(deps, LUNCH);
    const [pork, soup, greens] = market.dishes;
    const slot = await deps.factories.createSlot({ serviceId: market.service.id, capacity: 10 });
    const caller = await callerFor(deps, market.resident.id);

    const order = await caller.booking.create({
      slotId: slot.id,
      quantity: 4,
      items: [
        { dishId: pork!.id, quantity: 2 },
        { dishId: soup!.id, quantity: 1 },
        { dishId: greens!.id, quantity: 1 },
      ],
      allergies: '不吃香菜',
      idempotencyKey: randomUUID(),
    });
    const lines = [
      {
        dishId: pork!.id,
        nameZh: '红烧肉饭',
        unitPriceFen: 2_450,
        quantity: 2,
        lineTotalFen: 4_900,
      },
      { dishId: soup!.id, nameZh: '番茄蛋汤', unitPriceFen: 833, quantity: 1, lineTotalFen: 833 },
      {
        dishId: greens!.id,
        nameZh: '清炒时蔬',
        unitPriceFen: 1_199,
        quantity: 1,
        lineTotalFen: 1_199,
      },
    ];
    expect(order).toMatchObject({
      status: 'pending_payment',
      quantity: 4,
      unitPriceFen: null,
      totalFen: 4_900 + 833 + 1_199,
      allergies: '不吃香菜',
      lines,
    });
    // The window's capacity counts portions: four of ten taken.
    expect((await writes(slot.id)).booked).toBe(4);

    // The merchant changes a price afterwards: the order keeps what it was sold at.
    await deps.db
      .update(dishes)
      .set({ priceFen: 9_999, nameZh: '红烧肉饭（大）' })
      .where(eq(dishes.id, pork!.id));
    const again = await caller.order.get({ id: order.id });
    expect(again.lines).toMatchObject(lines);
    expect(again.totalFen).toBe(6_932);
    const owner = await callerFor(deps, market.owner.id);
    const seen = await owner.merchant.orders.get({ id: order.id });
    expect(seen.lines.map((l) => `${l.nameZh} ×${l.quantity}`)).toEqual([
      '红烧肉饭 ×2',
      '番茄蛋汤 ×1',
      '清炒时蔬 ×1',
    ]);
  });

  it('replays the same cart for a repeated key, and its lines are not written twice', async () => {
    const market = await createMealMenu(deps, LUNCH);
    const slot = await deps.factories.createSlot({ serviceId: market.service.id, capacity: 10 });
    const caller = await callerFor(deps, market.resident.id);
    const request = {
      slotId: slot.id,
      quantity: 3,
      items: [{ dishId: market.dishes[0]!.id, quantity: 3 }],
      idempotencyKey: randomUUID(),
    };
    const first = await caller.booking.create(request);
    const second = await caller.booking.create(request);
    expect(second).toMatchObject({ id: first.id, replayed: true, lines: first.lines });
    expect(
      await deps.db.select().from(orderItems).where(eq(orderItems.orderId, first.id)),
    ).toHaveLength(1);
    expect((await writes(slot.id)).booked).toBe(3);
    // The same key with another cart of as many portions is another booking, refused.
    expect(
      await failure(
        caller.booking.create({
          ...request,
          items: [{ dishId: market.dishes[1]!.id, quantity: 3 }],
        }),
      ),
    ).toMatchObject({ code: 'CONFLICT', reason: 'idempotency_key_reused' });
    expect((await writes(slot.id)).booked).toBe(3);
  });

  it('refuses a cart bigger than what the window has left, saying how many portions remain', async () => {
    const market = await createMealMenu(deps, LUNCH);
    const slot = await deps.factories.createSlot({ serviceId: market.service.id, capacity: 5 });
    const caller = await callerFor(deps, market.resident.id);
    await caller.booking.create({
      slotId: slot.id,
      quantity: 3,
      items: [{ dishId: market.dishes[0]!.id, quantity: 3 }],
      idempotencyKey: randomUUID(),
    });
    const before = await writes(slot.id);
    expect(
      await failure(
        caller.booking.create({
          slotId: slot.id,
          quantity: 3,
          items: [
            { dishId: market.dishes[0]!.id, quantity: 2 },
            { dishId: market.dishes[1]!.id, quantity: 1 },
          ],
          idempotencyKey: randomUUID(),
        }),
      ),
    ).toMatchObject({ code: 'CONFLICT', reason: 'slot_full', details: { remaining: 2 } });
    expect(await writes(slot.id)).toEqual(before);
  });

  it('refuses bad carts with a 4xx naming the items field, writing nothing', async () => {
    const market = await createMealMenu(deps, LUNCH);
    const other = await createMealMenu(deps, [{ nameZh: '别家的面', priceFen: 1_500 }]);
    const [pork, soup, , soldOut] = market.dishes;
    const slot = await deps.factories.createSlot({ serviceId: market.service.id, capacity: 50 });
    const caller = await callerFor(deps, market.resident.id);
    const book = (input: Record<string, unknown>) =>
      failure(
        caller.booking.create({
          slotId: slot.id,
          quantity: 1,
          idempotencyKey: randomUUID(),
          ...input,
        }),
      );
    const before = await writes(slot.id);

    // Shapes the schema refuses.
    for (const items of [
      [],
      [
        { dishId: pork!.id, quantity: 1 },
        { dishId: pork!.id, quantity: 1 },
      ],
      [{ dishId: pork!.id, quantity: 0 }],
      [{ dishId: pork!.id, quantity: 1.5 }],
      [{ dishId: 'not-a-uuid', quantity: 1 }],
      [{ dishId: pork!.id, quantity: 1e12 }],
    ]) {
      expect(await book({ items, quantity: 1 })).toMatchObject({ code: 'BAD_REQUEST' });
    }
    // Portions that do not add up to the quantity.
    expect(await book({ items: [{ dishId: pork!.id, quantity: 2 }], quantity: 1 })).toMatchObject({
      code: 'BAD_REQUEST',
    });
    // A menu is ordered from: no cart is refused.
    expect(await book({ quantity: 2 })).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'menu_required',
    });
    // Another merchant's dish, or one that does not exist.
    for (const dishId of [other.dishes[0]!.id, randomUUID()]) {
      expect(
        await book({
          items: [
            { dishId: soup!.id, quantity: 1 },
            { dishId, quantity: 1 },
          ],
          quantity: 2,
        }),
      ).toMatchObject({
        code: 'BAD_REQUEST',
        reason: 'dish_not_on_menu',
        details: { field: 'items' },
      });
    }
    // Sold out.
    expect(await book({ items: [{ dishId: soldOut!.id, quantity: 1 }] })).toMatchObject({
      code: 'CONFLICT',
      reason: 'dish_unavailable',
      details: { field: 'items', names: '卤鸡腿' },
    });
    // More portions than the service sells in one order.
    expect(await book({ items: [{ dishId: pork!.id, quantity: 21 }], quantity: 21 })).toMatchObject(
      {
        code: 'BAD_REQUEST',
        reason: 'quantity_out_of_range',
      },
    );
    expect(await writes(slot.id)).toEqual(before);

    // A cart for a service that is not meal delivery.
    const visit = await deps.factories.createMarketplace();
    const visitSlot = await deps.factories.createSlot({ serviceId: visit.service.id });
    const asVisitor = await callerFor(deps, visit.resident.id);
    expect(
      await failure(
        asVisitor.booking.create({
          slotId: visitSlot.id,
          quantity: 1,
          items: [{ dishId: pork!.id, quantity: 1 }],
          idempotencyKey: randomUUID(),
        }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', reason: 'cart_not_for_service' });
    expect((await writes(visitSlot.id)).orders).toBe(0);
  });
});

describe('the menu', () => {
  it('lets the owner keep dishes (staff read them) and shows residents of the community the menu', async () => {
    const market = await createMealMenu(deps, LUNCH.slice(0, 1));
    const owner = await callerFor(deps, market.owner.id);
    const staff = await callerFor(
      deps,
      (await deps.factories.createMerchantStaff(market.merchant.id, 'staff')).id,
    );
    const resident = await callerFor(deps, market.resident.id);

    const rice = await owner.merchant.dishes.create({
      serviceId: market.service.id,
      nameZh: '扬州炒饭',
      nameEn: 'Yangzhou fried rice',
      priceFen: 1_800,
    });
    expect(rice).toMatchObject({
      nameZh: '扬州炒饭',
      priceFen: 1_800,
      available: true,
      photo: null,
    });
    await owner.merchant.dishes.update({ ...rice, id: rice.id, priceFen: 1_900, photoId: null });
    await owner.merchant.dishes.setAvailable({ id: rice.id, available: false });
    expect(
      (await staff.merchant.dishes.list({ serviceId: market.service.id })).items,
    ).toMatchObject([
      { nameZh: '红烧肉饭' },
      { nameZh: '扬州炒饭', priceFen: 1_900, available: false },
    ]);
    expect((await resident.catalog.menu({ serviceId: market.service.id })).items).toHaveLength(2);
    await owner.merchant.dishes.remove({ id: rice.id });
    expect(
      (await resident.catalog.menu({ serviceId: market.service.id })).items.map((d) => d.nameZh),
    ).toEqual(['红烧肉饭']);
  });

  it('refuses everyone else: staff editing, other merchants, residents, another community', async () => {
    const market = await createMealMenu(deps, LUNCH.slice(0, 1));
    const dish = market.dishes[0]!;
    const staff = await callerFor(
      deps,
      (await deps.factories.createMerchantStaff(market.merchant.id, 'staff')).id,
    );
    const stranger = await createMealMenu(deps, LUNCH.slice(1, 2));
    const otherOwner = await callerFor(deps, stranger.owner.id);
    const resident = await callerFor(deps, market.resident.id);
    const fields = { nameZh: '改名', nameEn: '', priceFen: 1, photoId: null, available: true };

    expect(
      await failure(staff.merchant.dishes.create({ serviceId: market.service.id, ...fields })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(staff.merchant.dishes.update({ id: dish.id, ...fields }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await failure(otherOwner.merchant.dishes.create({ serviceId: market.service.id, ...fields })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await failure(otherOwner.merchant.dishes.update({ id: dish.id, ...fields })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(otherOwner.merchant.dishes.remove({ id: dish.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await failure(otherOwner.merchant.dishes.list({ serviceId: market.service.id })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await failure(resident.merchant.dishes.list({ serviceId: market.service.id })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    // A resident of another community does not see this menu.
    const away = await callerFor(deps, stranger.resident.id);
    expect(await failure(away.catalog.menu({ serviceId: market.service.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    // Not a meal service: no menu to keep.
    const visit = await deps.factories.createMarketplace();
    const visitOwner = await callerFor(deps, visit.owner.id);
    expect(
      await failure(visitOwner.merchant.dishes.create({ serviceId: visit.service.id, ...fields })),
    ).toMatchObject({ code: 'BAD_REQUEST', reason: 'not_a_meal_service' });
    // Bad prices and names: 4xx, nothing written.
    const owner = await callerFor(deps, market.owner.id);
    for (const bad of [
      { priceFen: 0 },
      { priceFen: 12.5 },
      { priceFen: 10_000_001 },
      { nameZh: ' ' },
    ]) {
      expect(
        await failure(
          owner.merchant.dishes.create({ serviceId: market.service.id, ...fields, ...bad }),
        ),
      ).toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(
      await deps.db.select().from(dishes).where(eq(dishes.serviceId, market.service.id)),
    ).toHaveLength(1);
    expect((await deps.db.select().from(dishes).where(eq(dishes.id, dish.id)))[0]!.nameZh).toBe(
      '红烧肉饭',
    );
  });
});
