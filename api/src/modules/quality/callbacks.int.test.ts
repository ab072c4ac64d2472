import { callbackRuns, callbackTasks, orderDisputes, orders, qualityTickets } from '@cgp/db';
import { createFactories } from '@cgp/db/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookSlot,
  callerFor,
  createTestDeps,
  payOrder,
  slotStartsIn,
  seedServedHouseholds,
  type TestDeps,
} from '../../testing';
import {
  dueCallbackMonth,
  redrawCallbackRun,
  runCallbacksForCompany,
  runDueCallbacks,
} from './callback-runs';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

const TZ = 'Asia/Shanghai';

async function tasksOf(runId: string) {
  return deps.db.select().from(callbackTasks).where(eq(callbackTasks.runId, runId));
}

describe('the monthly callback run', () => {
  it('picks exactly ceil(15%) of 1,000 households from 3 merchants, covers each, and redraws from its seed', async () => {
    // Served in October 2026 (business time), about 1,000 households, some by two merchants.
    const market = await seedServedHouseholds(deps.db, {
      households: 1000,
      merchants: 3,
      completedAt: new Date('2026-10-10T02:00:00Z'),
      secondEvery: 7,
    });
    // A household served in September and one in November are not October's.
    await seedServedHouseholds(deps.db, {
      households: 5,
      market,
      completedAt: new Date('2026-09-30T15:30:00Z'), // 23:30 on 30 September in Shanghai
    });
    await seedServedHouseholds(deps.db, {
      households: 5,
      market,
      completedAt: new Date('2026-10-31T16:10:00Z'), // 00:10 on 1 November in Shanghai
    });

    const run = await runCallbacksForCompany(deps.db, {
      companyId: market.companyId,
      month: '2026-10-01',
      timeZone: TZ,
    });
    expect(run).toMatchObject({ created: true, households: 1000, sampled: 150 });
    const tasks = await tasksOf(run.runId);
    expect(tasks).toHaveLength(150);
    expect(new Set(tasks.map((t) => t.unitId)).size).toBe(150);
    expect(new Set(tasks.map((t) => t.merchantId))).toEqual(
      new Set(market.merchants.map((m) => m.merchantId)),
    );
    // Each task is about an order that household was served in October by that merchant.
    const { rows: wrong } = await deps.db.execute(sql`
      SELECT ct.id FROM callback_tasks ct JOIN orders o ON o.id = ct.order_id
       WHERE ct.run_id = ${run.runId}
         AND NOT (o.unit_id = ct.unit_id AND o.merchant_id = ct.merchant_id
                  AND o.completed_at >= '2026-09-30T16:00:00Z' AND o.completed_at < '2026-10-31T16:00:00Z')`);
    expect(wrong).toEqual([]);

    const [stored] = await deps.db
      .select()
      .from(callbackRuns)
      .where(eq(callbackRuns.id, run.runId));
    expect(stored!.dueAt.toISOString()).toBe('2026-11-01T01:00:00.000Z'); // 09:00 in Shanghai
    const redrawn = await redrawCallbackRun(deps.db, run.runId, TZ);
    expect(redrawn!.map((p) => `${p.unitId}/${p.orderId}`).sort()).toEqual(
      tasks.map((t) => `${t.unitId}/${t.orderId}`).sort(),
    );

    // Run again, and three times at once: the run exists, nothing is added.
    const again = await Promise.all(
      [1, 2, 3].map(() =>
        runCallbacksForCompany(deps.db, {
          companyId: market.companyId,
          month: '2026-10-01',
          timeZone: TZ,
        }),
      ),
    );
    expect(again.map((r) => [r.created, r.runId, r.sampled])).toEqual(
      [1, 2, 3].map(() => [false, run.runId, 150]),
    );
    expect(await tasksOf(run.runId)).toHaveLength(150);
  }, 60_000);

  it('makes a month’s run once when started in parallel, and nothing survives a run cut short', async () => {
    const market = await seedServedHouseholds(deps.db, {
      households: 40,
      merchants: 3,
      completedAt: new Date('2026-08-12T02:00:00Z'),
    });
    // A run whose transaction dies after writing its tasks (a killed worker) leaves nothing.
    const dyingDb = Object.create(deps.db, {
      transaction: {
        value: (fn: Parameters<typeof deps.db.transaction>[0]) =>
          deps.db.transaction(async (tx) => {
            await fn(tx);
            throw new Error('worker killed before commit');
          }),
      },
    }) as typeof deps.db;
    const killed = runCallbacksForCompany(dyingDb, {
      companyId: market.companyId,
      month: '2026-08-01',
      timeZone: TZ,
    });
    await expect(killed).rejects.toThrow('worker killed before commit');
    expect(
      await deps.db.select().from(callbackRuns).where(eq(callbackRuns.companyId, market.companyId)),
    ).toEqual([]);

    const runs = await Promise.all(
      Array.from({ length: 5 }, () =>
        runCallbacksForCompany(deps.db, {
          companyId: market.companyId,
          month: '2026-08-01',
          timeZone: TZ,
        }),
      ),
    );
    expect(runs.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(runs.map((r) => r.runId)).size).toBe(1);
    expect(await tasksOf(runs[0]!.runId)).toHaveLength(6); // ceil(15% of 40)
  });

  it('is due on the 1st at 09:00 business time, for the month before', () => {
    expect(dueCallbackMonth(new Date('2026-12-01T00:59:00Z'), TZ)).toBe('2026-10-01');
    expect(dueCallbackMonth(new Date('2026-12-01T01:00:00Z'), TZ)).toBe('2026-11-01');
    expect(dueCallbackMonth(new Date('2027-01-15T12:00:00Z'), TZ)).toBe('2026-12-01');
    expect(dueCallbackMonth(new Date('2027-01-01T00:30:00Z'), TZ)).toBe('2026-11-01');
  });

  it('sweeps every company without a run for the due month, once', async () => {
    const market = await seedServedHouseholds(deps.db, {
      households: 20,
      merchants: 2,
      completedAt: new Date('2026-06-15T02:00:00Z'),
    });
    const now = new Date('2026-07-01T01:00:00Z');
    const first = await runDueCallbacks(deps.db, { now, timeZone: TZ });
    const mine = first.find((r) => r.companyId === market.companyId);
    expect(mine).toMatchObject({ created: true, households: 20, sampled: 3, month: '2026-06-01' });
    const second = await runDueCallbacks(deps.db, { now, timeZone: TZ });
    expect(second.find((r) => r.companyId === market.companyId)).toBeUndefined();
  });
});

describe('quality.callbacks', () => {
  async function oneCallback(options: { disputable: boolean }) {
    const f = createFactories(deps.db);
    const market = await f.createMarketplace();
    const ops = await f.createPropertyUser(market.community.companyId, 'property_ops');
    const auditor = await f.createPropertyUser(market.community.companyId, 'property_auditor');
    const slot = await f.createSlot({ serviceId: market.service.id });
    const order = await bookSlot(deps, market.resident.id, slot.id);
    await payOrder(deps, order.id);
    await slotStartsIn(deps, slot.id, 10);
    const merchant = await callerFor(deps, market.owner.id);
    await merchant.merchant.orders.accept({ id: order.id });
    await merchant.merchant.orders.start({ id: order.id });
    await merchant.merchant.orders.complete({ id: order.id });
    if (!options.disputable) {
      await deps.db
        .update(orders)
        .set({
          status: 'confirmed',
          autoConfirmAt: sql`now() - interval '1 day'`,
          confirmedAt: sql`now()`,
        })
        .where(eq(orders.id, order.id));
    }
    const month = new Intl.DateTimeFormat('en-CA', {
      timeZone: TZ,
      year: 'numeric',
      month: '2-digit',
    })
      .format(new Date())
      .concat('-01');
    const run = await runCallbacksForCompany(deps.db, {
      companyId: market.community.companyId,
      month,
      timeZone: TZ,
    });
    expect(run.sampled).toBe(1);
    return { market, ops, auditor, order, run };
  }

  it('lets ops record a complaint, which opens a ticket with an owner and a due time', async () => {
    const { ops, auditor, order, market } = await oneCallback({ disputable: false });
    const asOps = await callerFor(deps, ops.id);
    const list = await asOps.quality.callbacks.list({ status: 'pending' });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      orderId: order.id,
      status: 'pending',
      merchantName: market.merchant.name,
    });

    const asAuditor = await callerFor(deps, auditor.id);
    await expect(
      asAuditor.quality.callbacks.record({ id: list.items[0]!.id, reached: true, satisfaction: 2 }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      asOps.quality.callbacks.record({ id: list.items[0]!.id, reached: false, satisfaction: 2 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    const recorded = await asOps.quality.callbacks.record({
      id: list.items[0]!.id,
      reached: true,
      satisfaction: 2,
      comment: '阿姨迟到',
      complaint: '上门迟到四十分钟，没有提前告知',
    });
    expect(recorded).toMatchObject({ status: 'done', opened: 'ticket' });
    await expect(
      asOps.quality.callbacks.record({ id: list.items[0]!.id, reached: true, satisfaction: 5 }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });

    const tickets = await asOps.quality.tickets.list({ status: 'open' });
    expect(tickets.items).toHaveLength(1);
    const ticket = tickets.items[0]!;
    expect(ticket).toMatchObject({
      orderId: order.id,
      ownerName: ops.displayName,
      resolvedAt: null,
    });
    expect(Date.parse(ticket.dueAt) - Date.parse(ticket.openedAt)).toBe(24 * 3_600_000);

    // Resolved 90 minutes after it was opened: 1.5 h of handling time.
    await deps.db
      .update(qualityTickets)
      .set({ openedAt: sql`now() - interval '90 minutes'` })
      .where(eq(qualityTickets.id, ticket.id));
    await asOps.quality.tickets.resolve({ id: ticket.id, resolution: '商户致歉并免费补做一次' });
    const resolved = await asOps.quality.tickets.list({ status: 'resolved' });
    expect(resolved.items[0]!.handlingHours).toBeCloseTo(1.5, 1);
    await expect(
      asOps.quality.tickets.resolve({ id: ticket.id, resolution: '再次' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('opens a dispute instead while the order can still be disputed', async () => {
    const { ops, order } = await oneCallback({ disputable: true });
    const asOps = await callerFor(deps, ops.id);
    const [task] = (await asOps.quality.callbacks.list()).items;
    const recorded = await asOps.quality.callbacks.record({
      id: task!.id,
      reached: true,
      satisfaction: 1,
      complaint: '打扫不干净',
    });
    expect(recorded.opened).toBe('dispute');
    const [row] = await deps.db.select().from(orders).where(eq(orders.id, order.id));
    expect(row!.status).toBe('disputed');
    const disputes = await deps.db
      .select()
      .from(orderDisputes)
      .where(eq(orderDisputes.orderId, order.id));
    expect(disputes.map((d) => d.reason)).toEqual(['打扫不干净']);
    expect(
      await deps.db
        .select()
        .from(qualityTickets)
        .where(and(eq(qualityTickets.orderId, order.id))),
    ).toEqual([]);
  });

  it('shows no other company’s callbacks and refuses residents and merchants', async () => {
    const { run, market } = await oneCallback({ disputable: false });
    const f = createFactories(deps.db);
    const otherOps = await f.createPropertyUser((await f.createCompany()).id, 'property_ops');
    const asOther = await callerFor(deps, otherOps.id);
    const [task] = await tasksOf(run.runId);
    expect((await asOther.quality.callbacks.list()).items.map((t) => t.id)).not.toContain(task!.id);
    await expect(
      asOther.quality.callbacks.record({ id: task!.id, reached: false }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    for (const user of [market.resident, market.owner]) {
      const caller = await callerFor(deps, user.id);
      await expect(caller.quality.callbacks.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(
      (await callerFor(deps)).quality.kpis({
        from: '2026-01-01T00:00:00Z',
        to: '2026-02-01T00:00:00Z',
        groupBy: 'month',
      }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
