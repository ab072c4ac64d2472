import { buildings, orders, services, units, workers } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestDeps, payOrder, type TestDeps } from '../../testing';
import { fireOrderTimer } from '../orders/order-timers.service';
import { timersFrom } from '../orders/timers';
import { breachAlertText, lateInWords } from './breach-alerts';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

describe('lateInWords / breachAlertText', () => {
  it('says how late in Chinese words, and which order and step', () => {
    expect(lateInWords(40)).toBe('40 秒');
    expect(lateInWords(12 * 60 + 5)).toBe('12 分钟');
    expect(lateInWords(3600)).toBe('1 小时');
    expect(lateInWords(3900)).toBe('1 小时 5 分钟');
    expect(
      breachAlertText({
        orderNo: '2611300001',
        merchantName: '爱帮看护',
        serviceTitle: '老人陪护',
        step: 'arrive',
        ring: 'core',
        lateSeconds: 725,
      }),
    ).toBe('订单 2611300001（爱帮看护 · 老人陪护，核心圈）上门超时 12 分钟');
  });
});

describe('console.breachAlerts', () => {
  it('notifies property ops of their own company when a breach is recorded, until they read it', async () => {
    const f = deps.factories;
    const market = await f.createMarketplace({ category: 'temporary_care' });
    await deps.db.update(services).set({ onDemand: true }).where(eq(services.id, market.service.id));
    const [unit] = await deps.db.select().from(units).where(eq(units.id, market.resident.unit.id));
    await deps.db.update(buildings).set({ ring: 'service' }).where(eq(buildings.id, unit!.buildingId));
    const staff = await f.createUser({
      role: 'merchant_staff',
      displayName: '护工甲',
      merchantId: market.merchant.id,
      merchantRole: 'staff',
    });
    await deps.db
      .insert(workers)
      .values({ merchantId: market.merchant.id, userId: staff.id, categories: ['temporary_care'] });
    const resident = await callerFor(deps, market.resident.id);
    const order = await resident.booking.create({
      mode: 'on_demand',
      serviceId: market.service.id,
      quantity: 1,
      careRecipient: { name: '李爷爷', age: 79, needs: '' },
      idempotencyKey: randomUUID(),
    });
    await payOrder(deps, order.id);

    const ops = await callerFor(
      deps,
      (await f.createPropertyUser(market.community.companyId, 'property_ops')).id,
    );
    const auditor = await callerFor(
      deps,
      (await f.createPropertyUser(market.community.companyId, 'property_auditor')).id,
    );
    const elsewhere = await f.createMarketplace();
    const otherOps = await callerFor(
      deps,
      (await f.createPropertyUser(elsewhere.community.companyId, 'property_ops')).id,
    );
    expect((await ops.console.breachAlerts()).items).toEqual([]);

    // Nobody accepted it within the service ring's 15 minutes: 10 minutes late when the timer fires.
    await deps.db.execute(
      sql`UPDATE orders SET accept_due_at = now() - interval '10 minutes 5 seconds' WHERE id = ${order.id}`,
    );
    expect(await fireOrderTimer(deps.db, 'acceptance-sla', order.id, timersFrom(deps.env))).toBe(
      'applied',
    );
    const [row] = await deps.db.select().from(orders).where(eq(orders.id, order.id));

    const alerts = await ops.console.breachAlerts();
    expect(alerts.unread).toBe(1);
    expect(alerts.items).toEqual([
      expect.objectContaining({
        orderId: order.id,
        orderNo: row!.orderNo,
        step: 'accept',
        ring: 'service',
        read: false,
        text: `订单 ${row!.orderNo}（${market.merchant.name} · ${market.service.titleZh}，服务圈）接单超时 10 分钟`,
      }),
    ]);
    // Another company's ops hear nothing of it; an auditor has no alerts to act on.
    expect(await otherOps.console.breachAlerts()).toEqual({ items: [], unread: 0 });
    await expect(auditor.console.breachAlerts()).rejects.toBeInstanceOf(TRPCError);
    expect(await otherOps.console.acknowledgeBreaches({ ids: [alerts.items[0]!.id] })).toEqual({
      unread: 0,
    });
    expect((await ops.console.breachAlerts()).unread).toBe(1);

    expect(await ops.console.acknowledgeBreaches({ ids: [alerts.items[0]!.id] })).toEqual({
      unread: 0,
    });
    expect((await ops.console.breachAlerts()).items[0]).toMatchObject({ read: true });
    await expect(ops.console.acknowledgeBreaches({ ids: ['x'] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
