import { slots } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSlot, callerFor, createTestDeps, type TestDeps } from '../../testing';
import { addDays, businessDateOf } from './business-date';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

const ZONE = 'Asia/Shanghai';
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
  );
const slotsOf = (serviceId: string) =>
  deps.db.select().from(slots).where(eq(slots.serviceId, serviceId));

const threeWindows = [
  { start: '09:00', end: '11:00', capacity: 2 },
  { start: '13:00', end: '15:00', capacity: 2 },
  { start: '18:30', end: '20:00', capacity: 2 },
];

describe('merchant.schedule.applyTemplate', () => {
  it('creates 3 slots a day for 2 weeks in Shanghai time, once, visible to residents', async () => {
    const { service, owner, resident } = await deps.factories.createMarketplace();
    const merchant = await callerFor(deps, owner.id);
    const template = {
      serviceId: service.id,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      ranges: threeWindows,
      weeks: 2,
    };

    const preview = await merchant.merchant.schedule.previewTemplate(template);
    expect(preview).toMatchObject({ total: 42, existing: 0, toCreate: 42 });
    expect(await slotsOf(service.id)).toHaveLength(0); // a preview writes nothing

    const applied = await merchant.merchant.schedule.applyTemplate(template);
    const tomorrow = addDays(businessDateOf(new Date(), ZONE), 1);
    expect(applied).toMatchObject({
      created: 42,
      skipped: 0,
      firstDay: tomorrow,
      lastDay: addDays(tomorrow, 13),
    });

    const from = new Date().toISOString();
    const to = new Date(Date.now() + 16 * 86_400_000).toISOString();
    const seen = await (
      await callerFor(deps, resident.id)
    ).catalog.slots({
      serviceId: service.id,
      from,
      to,
    });
    expect(seen.items).toHaveLength(42);
    expect(seen.items.every((s) => s.capacity === 2 && s.booked === 0 && s.bookable)).toBe(true);
    // Wall-clock times in Shanghai (UTC+8): tomorrow 09:00 is 01:00Z, 18:30–20:00 is 10:30–12:00Z.
    expect(seen.items[0]).toMatchObject({
      startsAt: `${tomorrow}T01:00:00.000Z`,
      endsAt: `${tomorrow}T03:00:00.000Z`,
    });
    expect(seen.items[2]).toMatchObject({
      startsAt: `${tomorrow}T10:30:00.000Z`,
      endsAt: `${tomorrow}T12:00:00.000Z`,
    });

    // Applying it again is harmless: everything exists already.
    expect(await merchant.merchant.schedule.applyTemplate(template)).toMatchObject({
      created: 0,
      skipped: 42,
    });
    expect(await merchant.merchant.schedule.previewTemplate(template)).toMatchObject({
      total: 42,
      existing: 42,
      toCreate: 0,
    });
    expect(await slotsOf(service.id)).toHaveLength(42);
  });

  it('keeps to the chosen weekdays and start date, filling in only what is missing', async () => {
    const { service, owner } = await deps.factories.createMarketplace();
    const merchant = await callerFor(deps, owner.id);
    // A Monday at least a week out; one week of Mondays and Wednesdays is two days.
    let monday = addDays(businessDateOf(new Date(), ZONE), 7);
    while (new Date(`${monday}T00:00:00Z`).getUTCDay() !== 1) monday = addDays(monday, 1);
    const base = { serviceId: service.id, weekdays: [1, 3], weeks: 1, startDate: monday };
    await merchant.merchant.schedule.applyTemplate({ ...base, ranges: threeWindows.slice(0, 1) });
    const result = await merchant.merchant.schedule.applyTemplate({
      ...base,
      ranges: threeWindows,
    });
    expect(result).toMatchObject({ created: 4, skipped: 2 });
    const days = (await slotsOf(service.id)).map((s) => businessDateOf(s.startsAt, ZONE));
    expect([...new Set(days)].sort()).toEqual([monday, addDays(monday, 2)]);
  });

  it('answers bad templates with BAD_REQUEST and creates nothing', async () => {
    const { service, owner } = await deps.factories.createMarketplace();
    const merchant = await callerFor(deps, owner.id);
    const good = { serviceId: service.id, weekdays: [1], ranges: threeWindows, weeks: 1 };
    for (const bad of [
      { ...good, weeks: 0 },
      { ...good, weeks: 9 },
      { ...good, weekdays: [] },
      { ...good, weekdays: [0] },
      { ...good, weekdays: [8] },
      { ...good, weekdays: [1, 1] },
      { ...good, ranges: [] },
      { ...good, ranges: [{ start: '9:00', end: '11:00', capacity: 2 }] },
      { ...good, ranges: [{ start: '11:00', end: '09:00', capacity: 2 }] },
      { ...good, ranges: [{ start: '24:00', end: '25:00', capacity: 2 }] },
      { ...good, ranges: [{ start: '09:00', end: '11:00', capacity: 0 }] },
      {
        ...good,
        ranges: [
          { start: '09:00', end: '11:00', capacity: 1 },
          { start: '10:00', end: '12:00', capacity: 1 },
        ],
      },
      { ...good, startDate: '2020-01-01' }, // in the past
      { ...good, startDate: '2030-02-30' },
      { ...good, startDate: addDays(businessDateOf(new Date(), ZONE), 400) },
      { ...good, serviceId: 'nope' },
    ]) {
      expect(await codeOf(merchant.merchant.schedule.applyTemplate(bad))).toBe('BAD_REQUEST');
    }
    expect(await slotsOf(service.id)).toHaveLength(0);
  });
});

describe('merchant.schedule capacity and closing', () => {
  it('never lowers capacity below what is booked', async () => {
    const f = deps.factories;
    const { service, owner, community } = await f.createMarketplace();
    const slot = await f.createSlot({ serviceId: service.id, capacity: 3 });
    for (let i = 0; i < 2; i++) {
      const resident = await f.createResident({ community });
      await bookSlot(deps, resident.id, slot.id);
    }
    const merchant = await callerFor(deps, owner.id);

    const error = await merchant.merchant.schedule
      .setCapacity({ slotId: slot.id, capacity: 1 })
      .catch((e: unknown) => e as TRPCError);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('CONFLICT');
    expect(((error as TRPCError).cause as { reason?: string }).reason).toBe(
      'capacity_below_booked',
    );
    expect((await slotsOf(service.id))[0]).toMatchObject({ capacity: 3, booked: 2 });

    expect(
      await merchant.merchant.schedule.setCapacity({ slotId: slot.id, capacity: 2 }),
    ).toMatchObject({ capacity: 2, booked: 2 });
    expect(
      await merchant.merchant.schedule.setCapacity({ slotId: slot.id, capacity: 8 }),
    ).toMatchObject({ capacity: 8, booked: 2 });
    expect(
      await codeOf(merchant.merchant.schedule.setCapacity({ slotId: slot.id, capacity: 0 })),
    ).toBe('BAD_REQUEST');
  });

  it('closes one business day of a service, keeps its bookings, and stops new ones', async () => {
    const f = deps.factories;
    const { service, owner, resident } = await f.createMarketplace();
    const merchant = await callerFor(deps, owner.id);
    await merchant.merchant.schedule.applyTemplate({
      serviceId: service.id,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      ranges: threeWindows,
      weeks: 1,
    });
    const tomorrow = addDays(businessDateOf(new Date(), ZONE), 1);
    const dayAfter = addDays(tomorrow, 1);
    const all = await slotsOf(service.id);
    const onDay = (day: string) => all.filter((s) => businessDateOf(s.startsAt, ZONE) === day);
    const order = await bookSlot(deps, resident.id, onDay(dayAfter)[0]!.id);

    expect(
      await merchant.merchant.schedule.closeDay({ serviceId: service.id, date: dayAfter }),
    ).toEqual({ date: dayAfter, closed: 3 });
    const after = await slotsOf(service.id);
    expect(
      after
        .filter((s) => s.closed)
        .map((s) => s.id)
        .sort(),
    ).toEqual(
      onDay(dayAfter)
        .map((s) => s.id)
        .sort(),
    );
    expect(after.find((s) => s.id === order.slotId)?.booked).toBe(1);
    const resCaller = await callerFor(deps, resident.id);
    expect(await codeOf(bookSlot(deps, resident.id, onDay(dayAfter)[1]!.id))).toBe('CONFLICT');
    const visible = await resCaller.catalog.slots({
      serviceId: service.id,
      ...{ from: `${dayAfter}T00:00:00+08:00`, to: `${addDays(dayAfter, 1)}T00:00:00+08:00` },
    });
    expect(visible.items.map((s) => s.bookable)).toEqual([false, false, false]);
    // Closing again finds nothing left to close.
    expect(
      (await merchant.merchant.schedule.closeDay({ serviceId: service.id, date: dayAfter })).closed,
    ).toBe(0);
    expect(
      await codeOf(
        merchant.merchant.schedule.closeDay({ serviceId: service.id, date: '2030-13-01' }),
      ),
    ).toBe('BAD_REQUEST');
  });

  it('lets staff read the slots but not change them', async () => {
    const f = deps.factories;
    const { service, merchant } = await f.createMarketplace();
    const slot = await f.createSlot({ serviceId: service.id });
    const staff = await callerFor(deps, (await f.createMerchantStaff(merchant.id, 'staff')).id);
    const from = new Date().toISOString();
    const to = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const list = await staff.merchant.schedule.slots({ serviceId: service.id, from, to });
    expect(list.items.map((s) => s.id)).toEqual([slot.id]);
    expect(
      await codeOf(staff.merchant.schedule.setCapacity({ slotId: slot.id, capacity: 9 })),
    ).toBe('FORBIDDEN');
    expect(
      await codeOf(
        staff.merchant.schedule.applyTemplate({
          serviceId: service.id,
          weekdays: [1],
          ranges: threeWindows,
          weeks: 1,
        }),
      ),
    ).toBe('FORBIDDEN');
  });
});
