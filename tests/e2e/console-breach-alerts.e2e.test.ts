import { fireOrderTimer, timersFrom } from '@cgp/api';
import { callerFor, payOrder } from '@cgp/api/testing';
import { orders } from '@cgp/db';
import { eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from './merchant-support';
import { launchBrowser, openDesktop, screenshot } from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const OPS = { phone: '13700000002', password: 'demo1234' };
const POLL = { timeout: 10_000 };

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

/** 张阿姨 (core ring) books 老人陪护 now and pays; nobody accepts it in the ring's 5 minutes. */
async function unacceptedCareNow() {
  const db = platform.deps.db;
  const [row] = (
    await db.execute<{ resident: string; service: string }>(sql`
      SELECT r.id AS resident, s.id AS service FROM users r, services s
       WHERE r.phone = '13800000001' AND s.title_zh = '老人陪护'`)
  ).rows;
  const resident = await callerFor(platform.deps, row!.resident);
  const order = await resident.booking.create({
    mode: 'on_demand',
    serviceId: row!.service,
    quantity: 2,
    careRecipient: { name: '张奶奶', age: 82, needs: '' },
    idempotencyKey: randomUUID(),
  });
  await payOrder(platform.deps, order.id);
  await db.execute(
    sql`UPDATE orders SET accept_due_at = now() - interval '7 minutes 10 seconds' WHERE id = ${order.id}`,
  );
  await fireOrderTimer(db, 'acceptance-sla', order.id, timersFrom(platform.deps.env));
  const [placed] = await db.select().from(orders).where(eq(orders.id, order.id));
  return placed!;
}

describe('property console: SLA breach alerts for ops', () => {
  it('shows the unread count, says which order, step and how late, opens the order and marks it read', async () => {
    const order = await unacceptedCareNow();
    const { context, page, errors } = await openDesktop(browser, platform.baseUrl, 'Asia/Shanghai');
    try {
      await page.goto('/login?redirect=/console/disputes');
      await page.getByLabel('手机号').fill(OPS.phone);
      await page.getByLabel('密码').fill(OPS.password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/console\/disputes$/);
      const badge = page.getByTestId('breach-alerts-badge');
      await expect.poll(() => badge.innerText(), POLL).toMatch(/超时提醒\s*\d+/);
      await page.getByTestId('breach-alerts-open').click();
      const list = page.getByTestId('breach-alerts');
      const item = list.locator('li').filter({ hasText: order.orderNo });
      await item.waitFor();
      expect(await item.innerText()).toContain(
        `订单 ${order.orderNo}（爱帮看护 · 老人陪护，核心圈）接单超时 7 分钟`,
      );
      expect(await list.innerText()).not.toContain(order.id);
      await settled(page);
      await screenshot(page, 'console-breach-alerts-desktop', { fullPage: false });

      await item.getByRole('button', { name: '标为已读' }).click();
      await expect.poll(() => item.getByRole('button', { name: '标为已读' }).count(), POLL).toBe(0);
      await item.getByRole('link', { name: '查看订单' }).click();
      await page.waitForURL(new RegExp(`/console/orders/${order.id}$`));
      await page.getByTestId('breaches-table').waitFor();
      // The drill-down (acceptance 5): how it was booked, dispatch, the breach and the states, all
      // in Chinese words, never as codes.
      await settled(page);
      await screenshot(page, 'console-breach-drilldown-desktop', { fullPage: true });
      const drill = await page.locator('main').innerText();
      for (const words of ['立即上门', '核心圈', '自动派单给', '接单超时', '超时 7 分 1', '已拒单'])
        expect(drill).toContain(words);
      for (const code of ['on_demand', 'sla_breach', 'pending_payment', 'rejected', 'accept_due'])
        expect(drill).not.toContain(code);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
