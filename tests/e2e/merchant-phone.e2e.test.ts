import { merchants, orders, services, slots, users } from '@cgp/db';
import { bookSlot, callerFor, orderSlotStartsIn, payOrder } from '@cgp/api/testing';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled, signIn } from './merchant-support';
import { ensureAppBuilt } from './support/app-build';
import {
  horizontalOverflow,
  innerOverflow,
  launchBrowser,
  openDesktop,
  openPhone,
  screenshot,
  type Tab,
} from './support/browser';
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

async function userByPhone(phone: string) {
  const [user] = await platform.deps.db.select().from(users).where(eq(users.phone, phone));
  return user!;
}

/** ¥1,234.50 as the portal writes fen. */
const yuan = (fen: number) =>
  `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;

/** The order's card (phone) or row (desktop) in the queue. */
const queued = (page: Page, id: string) =>
  page.locator(`li[data-order-id="${id}"], tr.order-row:has([data-order-id="${id}"])`);

/** The page reads without scrolling sideways, and the queue without scrolling a box of its own. */
async function expectNoScrollBoxes(page: Page, region: string) {
  expect(await horizontalOverflow(page)).toBe(0);
  expect(await innerOverflow(page, region)).toEqual([]);
}

const SIZES = [
  {
    name: 'a 390×844 phone',
    shot: 'merchant-phone',
    open: () => openPhone(browser, platform.baseUrl, PHONE),
  },
  {
    name: 'a 1440×900 desktop',
    shot: 'merchant-desk',
    open: () => openDesktop(browser, platform.baseUrl),
  },
] as const;

describe.each(SIZES)('merchant portal on $name', ({ shot, open }) => {
  it('accepts, starts and completes an order and reads earnings, nothing scrolling sideways or inside a box', async () => {
    const { context, page, errors }: Tab = await open();
    try {
      await page.goto('/merchant/login');
      await signIn(page, SUNSHINE);
      await page.waitForURL(/\/merchant\/orders/);
      const order = await paidOrder();
      const card = queued(page, order.id);
      await card.waitFor();
      await settled(page);
      await screenshot(page, `${shot}-orders`, { fullPage: false });
      await expectNoScrollBoxes(page, '[data-testid="order-queue"]');

      // Found by the resident's phone's last four digits; a name nobody has finds nothing.
      const search = page.getByLabel('搜索订单号 / 住户姓名 / 手机尾号');
      await search.fill('0001');
      await card.waitFor();
      await search.fill('没有这个住户');
      await page.getByText('没有找到符合条件的订单').waitFor();
      await screenshot(page, `${shot}-orders-no-match`, { fullPage: false });
      await search.fill('');
      await card.waitFor();

      await card.getByRole('button', { name: '接单' }).click();
      await card.getByText('已接单').waitFor();
      // Tomorrow's slot: too early to start, so the queue says from when instead of a button.
      expect(await card.getByRole('button', { name: '开始服务' }).count()).toBe(0);
      await card.getByTestId('start-from').waitFor();
      await card.getByRole('button', { name: '详情' }).click();
      const drawer = page.locator('.el-drawer');
      const phoneLine = drawer.getByTestId('resident-phone');
      await phoneLine.getByText('138****0001').waitFor();
      // A call link dials the resident; the number itself is never written on the page.
      expect(await drawer.getByTestId('call-resident').getAttribute('href')).toBe(
        `tel:${RESIDENT}`,
      );
      expect(await page.locator('body').innerText()).not.toContain(RESIDENT);
      expect(await drawer.getByRole('button', { name: '开始服务' }).count()).toBe(0);
      await drawer.getByTestId('start-from').waitFor();
      await settled(page);
      await screenshot(page, `${shot}-drawer-too-early`, { fullPage: false });
      expect(await horizontalOverflow(page)).toBe(0);
      expect(
        (await innerOverflow(page, '.el-drawer')).filter((f) => !f.includes('scrolls inside')),
      ).toEqual([]);
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });

      // The day of service comes: the slot begins in 10 minutes, so the merchant may start.
      await orderSlotStartsIn(platform.deps, order.id, 10);
      await card.getByRole('button', { name: '详情' }).click();
      await drawer.getByRole('button', { name: '开始服务' }).click();
      await drawer.getByRole('button', { name: '完成服务' }).click();
      await page.getByText('服务已完成，等待住户确认').waitFor();
      // Served: the call link is gone, the masked number stays.
      await drawer.getByText('订单结束后不再提供拨打').waitFor();
      await settled(page);
      await screenshot(page, `${shot}-drawer`, { fullPage: false });
      await page.keyboard.press('Escape');
      const [done] = await platform.deps.db.select().from(orders).where(eq(orders.id, order.id));
      expect(done!.status).toBe('completed');

      // Today's earnings: the share of what was finished today, as the API counts it, and a chart.
      await page.goto('/merchant/earnings');
      await page.getByText('收入结算').first().waitFor();
      await page.getByTestId('earnings-pending').waitFor();
      const owner = await callerFor(platform.deps, (await userByPhone(SUNSHINE)).id);
      const { todayTotal } = await owner.merchant.earningsByDay({ days: 30 });
      expect(todayTotal.pendingFen).toBeGreaterThanOrEqual(7_000); // 70% of this ¥100 order
      const today = page.getByTestId('earnings-today');
      await today
        .getByText(yuan(todayTotal.earnedFen + todayTotal.pendingFen), { exact: true })
        .waitFor();
      expect(await today.innerText()).toContain(`完成 ${todayTotal.orderCount} 单`);
      await page.locator('.earnings-chart canvas').waitFor();
      await settled(page);
      await screenshot(page, `${shot}-earnings`, { fullPage: false });
      await screenshot(page, `${shot}-earnings-full`);
      expect(await horizontalOverflow(page)).toBe(0);
      expect(await innerOverflow(page, '.portal__main')).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
