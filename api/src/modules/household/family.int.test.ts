import { TRPCError } from '@trpc/server';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextInner } from '../../context';
import { createCaller } from '../../router';
import { callerFor, createTestDeps, payOrder, tokenFor, type TestDeps } from '../../testing';

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
  const e = error as TRPCError & { cause?: { reason?: string } };
  return { code: e.code, reason: e.cause?.reason };
}

/** A care shop in one community, a daughter in one unit and her mother in another. */
async function careFamily() {
  const f = deps.factories;
  const market = await f.createMarketplace({ category: 'temporary_care' });
  const daughter = market.resident;
  const mother = await f.createResident({ community: market.community });
  const slot = await f.createSlot({ serviceId: market.service.id, capacity: 3 });
  const asDaughter = await callerFor(deps, daughter.id);
  const profile = await asDaughter.me.family.create({
    name: '王秀英',
    relation: '母亲',
    age: 78,
    needs: '高血压，午饭后提醒服药',
    emergencyName: '李娜',
    emergencyPhone: '13912345678',
    unitId: mother.unit.id,
  });
  return { ...market, daughter, mother, slot, asDaughter, profile };
}

describe('me.family', () => {
  it('saves, lists, edits and removes a care recipient living in another unit', async () => {
    const { asDaughter, profile, mother } = await careFamily();
    expect(profile).toMatchObject({
      name: '王秀英',
      relation: '母亲',
      age: 78,
      unitId: mother.unit.id,
      address: `测试小区 1号楼 ${mother.unit.label}`,
    });
    const updated = await asDaughter.me.family.update({
      id: profile.id,
      name: '王秀英',
      relation: '母亲',
      age: 79,
      needs: '',
      emergencyName: '',
      emergencyPhone: '',
      unitId: mother.unit.id,
    });
    expect(updated.age).toBe(79);
    expect((await asDaughter.me.family.list()).items.map((m) => m.id)).toEqual([profile.id]);
    const places = await asDaughter.me.addresses.list();
    expect(places.items.map((p) => [p.home, p.people])).toEqual([
      [true, []],
      [false, ['王秀英']],
    ]);

    await asDaughter.me.family.remove({ id: profile.id });
    expect((await asDaughter.me.family.list()).items).toEqual([]);
  });

  it('refuses a unit of another community and bad input, writing nothing', async () => {
    const { asDaughter } = await careFamily();
    const elsewhere = await deps.factories.createResident();
    const base = { name: '王秀英', relation: '母亲', age: 78, needs: '' };
    expect(
      await failure(asDaughter.me.family.create({ ...base, unitId: elsewhere.unit.id })),
    ).toEqual({ code: 'BAD_REQUEST', reason: 'unit_outside_community' });
    expect(
      await failure(asDaughter.me.family.create({ ...base, age: 250, unitId: randomUUID() })),
    ).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await failure(asDaughter.me.family.create({ ...base, unitId: randomUUID() }))).toEqual({
      code: 'BAD_REQUEST',
      reason: 'unit_outside_community',
    });
    expect((await asDaughter.me.family.list()).items).toHaveLength(1);
  });

  it("keeps a resident's family to themself: a stranger can neither read, change nor book with it", async () => {
    const { profile, slot, community, mother } = await careFamily();
    const stranger = await deps.factories.createResident({ community });
    const asStranger = await callerFor(deps, stranger.id);
    expect((await asStranger.me.family.list()).items).toEqual([]);
    const edit = {
      id: profile.id,
      name: '改名',
      relation: '母亲',
      age: 70,
      needs: '',
      emergencyName: '',
      emergencyPhone: '',
      unitId: mother.unit.id,
    };
    expect(await failure(asStranger.me.family.update(edit))).toEqual({
      code: 'NOT_FOUND',
      reason: 'not_found',
    });
    expect(await failure(asStranger.me.family.remove({ id: profile.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await failure(
        asStranger.booking.create({
          slotId: slot.id,
          quantity: 1,
          familyMemberId: profile.id,
          idempotencyKey: randomUUID(),
        }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });

    // Staff and property roles have no family list.
    const ops = await deps.factories.createPropertyUser(community.companyId, 'property_ops');
    expect(await failure((await callerFor(deps, ops.id)).me.family.list())).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await failure((await callerFor(deps)).me.family.list())).toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});

describe('booking for a family member (家人代订)', () => {
  it("serves the mother's unit; the order is the daughter's and the mother's household follows it", async () => {
    const { asDaughter, profile, slot, mother, daughter, owner } = await careFamily();
    const order = await asDaughter.booking.create({
      slotId: slot.id,
      quantity: 1,
      familyMemberId: profile.id,
      idempotencyKey: randomUUID(),
    });
    expect(order).toMatchObject({
      status: 'pending_payment',
      forFamily: true,
      address: `测试小区 1号楼 ${mother.unit.label}`,
      careRecipient: { name: '王秀英', age: 78, needs: '高血压，午饭后提醒服药' },
    });

    const asMother = await callerFor(deps, mother.id);
    const mine = await asDaughter.order.list();
    expect(mine.items.map((o) => [o.id, o.bookedForMe])).toEqual([[order.id, false]]);
    const hers = await asMother.order.list();
    expect(hers.items.map((o) => [o.id, o.bookedForMe, o.residentName])).toEqual([
      [order.id, true, daughter.displayName],
    ]);

    // Only the booker acts on it: the mother sees no actions and cannot pay or cancel.
    const seen = await asMother.order.get({ id: order.id });
    expect(seen).toMatchObject({ canPay: false, canConfirm: false, cancelPreview: null });
    expect((await asDaughter.order.get({ id: order.id })).canPay).toBe(true);
    expect(
      await failure(asMother.order.cancel({ id: order.id, reason: '不需要了' })),
    ).toMatchObject({ code: 'NOT_FOUND' });

    // Once paid, the merchant's acceptance is news to the mother as well.
    await payOrder(deps, order.id);
    const paid = await asMother.order.get({ id: order.id });
    expect(Date.parse(paid.acceptDueAt!)).toBeGreaterThan(Date.now());
    await (await callerFor(deps, owner.id)).merchant.orders.accept({ id: order.id });
    const news = await asMother.me.messages.list({ limit: 10 });
    expect(news.items.map((m) => m.event.to)).toEqual(['accepted', 'paid']);

    // Another resident of the community sees none of it.
    const neighbour = await deps.factories.createResident({ community: mother.community });
    const asNeighbour = await callerFor(deps, neighbour.id);
    expect((await asNeighbour.order.list()).items).toEqual([]);
    expect(await failure(asNeighbour.order.get({ id: order.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

it("pushes the order's moves to the household it was booked for, live", async () => {
  const { asDaughter, profile, slot, mother, owner } = await careFamily();
  const controller = new AbortController();
  const asMother = createCaller(
    await createContextInner({ deps, token: await tokenFor(deps, mother.id) }),
    { signal: controller.signal },
  );
  const stream = (await asMother.order.live()) as AsyncIterable<[string, { status: string }]>;
  const iterator = stream[Symbol.asyncIterator]();
  const received: string[] = [];
  const reading = (async () => {
    for (;;) {
      const result = await iterator.next().catch(() => ({ done: true as const, value: undefined }));
      if (result.done) return;
      received.push(result.value[1].status);
    }
  })();
  try {
    const order = await asDaughter.booking.create({
      slotId: slot.id,
      quantity: 1,
      familyMemberId: profile.id,
      idempotencyKey: randomUUID(),
    });
    await payOrder(deps, order.id);
    await (await callerFor(deps, owner.id)).merchant.orders.accept({ id: order.id });
    await expect.poll(() => received.at(-1), { timeout: 5_000 }).toBe('accepted');
  } finally {
    controller.abort();
    await reading;
  }
});
