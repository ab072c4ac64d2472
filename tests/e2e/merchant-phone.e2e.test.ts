import { merchants, orders, services, slots, users } from '@cgp/db';
import { bookSlot, orderSlotStartsIn, payOrder } from '@cgp/api/testing';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled, signIn } from './merchant-support';
import { ensureAppBuilt } from './support/app-build';
import { horizontalOverflow, launchBrowser, openPhone, screenshot } from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const SUNSHINE = '13900000001'; // 阳光家政's owner
const RESIDENT = '13800000001';
const PHONE = { width: 390, height: 844 };

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  await ensureAppBuilt('merchant-portal');
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

/** A resident books 阳光家政's next 日常保洁 slot and pays, as the payment webhook would complete it. */
async function paidOrder() {
  const db = platform.deps.db;
  const [slot] = await db
    .select({ id: slots.id })
    .from(slots)
    .innerJoin(services, eq(services.id, slots.serviceId))
    .innerJoin(merchants, eq(merchants.id, services.merchantId))
    .where(
      and(
        eq(merchants.name, '阳光家政'),
        eq(services.titleZh, '日常保洁'),
        gt(slots.startsAt, new Date(Date.now() + 24 * 3_600_000)),
      ),
    )
    .orderBy(asc(slots.startsAt))
    .limit(1);
  const [resident] = await db.select().from(users).where(eq(users.phone, RESIDENT));
  const order = await bookSlot(platform.deps, resident!.id, slot!.id, { quantity: 2 });
  await payOrder(platform.deps, order.id);
  return order;
}

describe('merchant portal on a 390×844 phone', () => {
  it('accepts, starts and completes an order and reads earnings without scrolling sideways', async () => {
    const { context, page, errors } = await openPhone(browser, platform.baseUrl, PHONE);
    try {
      await page.goto('/merchant/login');
      await signIn(page, SUNSHINE);
      await page.waitForURL(/\/merchant\/orders/);
      const order = await paidOrder();
      await page.getByText('日常保洁').first().waitFor();
      await page.getByTestId('phone-menu').waitFor();
      await settled(page);
      await screenshot(page, 'merchant-phone-orders', { fullPage: false });
      expect(await horizontalOverflow(page)).toBe(0);

      await page.getByRole('button', { name: '接单' }).first().click();
      await page.getByText('已接单').first().waitFor();
      await page.getByRole('button', { name: '详情' }).first().click();
      const drawer = page.locator('.el-drawer');
      // The day of service comes: the slot begins in 10 minutes, so the merchant may start.
      await orderSlotStartsIn(platform.deps, order.id, 10);
      await drawer.getByRole('button', { name: '开始服务' }).click();
      await drawer.getByRole('button', { name: '完成服务' }).click();
      await page.getByText('服务已完成，等待住户确认').waitFor();
      await settled(page);
      await screenshot(page, 'merchant-phone-drawer', { fullPage: false });
      await page.keyboard.press('Escape');
      const [done] = await platform.deps.db.select().from(orders).where(eq(orders.id, order.id));
      expect(done!.status).toBe('completed');

      // The menu keeps what fits and folds the rest under "…"; earnings is one of those.
      await page.goto('/merchant/earnings');
      await page.getByText('收入结算').first().waitFor();
      await settled(page);
      await screenshot(page, 'merchant-phone-earnings', { fullPage: false });
      expect(await horizontalOverflow(page)).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
