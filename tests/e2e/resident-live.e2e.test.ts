import { orderSlotStartsIn } from '@cgp/api/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn as signInToPortal } from './merchant-support';
import { ensureAppBuilt } from './support/app-build';
import {
  horizontalOverflow,
  launchBrowser,
  openDesktop,
  openPhone,
  screenshot,
  type Tab,
} from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const RESIDENT = '13800000001';
/** Owner of 阳光家政, who provides 日常保洁. */
const MERCHANT = '13900000001';
const PHONE_390 = { width: 390, height: 844 };
/** Each change must show on the resident's screen within this, without a reload. */
const LIVE = { timeout: 3_000 };
const ORDER_URL = /\/orders\/([0-9a-f-]{36})(\?|$)/;

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

async function residentPhone(): Promise<Tab> {
  const tab = await openPhone(browser, platform.baseUrl, PHONE_390);
  await tab.page.goto('/login');
  await tab.page.getByLabel('手机号').fill(RESIDENT);
  await tab.page.getByLabel('密码').fill('demo1234');
  await tab.page.getByRole('button', { name: '登录' }).click();
  await tab.page.waitForURL((url) => url.pathname === '/');
  return tab;
}

/** Books 日常保洁 on the `dayIndex`-th day at `time`, pays in the sandbox, ends on the paid order. */
async function bookAndPay(page: Page, dayIndex: number, time: string): Promise<string> {
  await page.goto('/');
  await page.getByRole('link', { name: /^日常保洁/ }).click();
  await page.getByRole('group', { name: '选择日期' }).getByRole('button').nth(dayIndex).click();
  await page.getByRole('radio', { name: new RegExp(`^${time}`) }).click();
  await page.getByTestId('submit-booking').click();
  await page.waitForURL((url) => url.origin !== platform.baseUrl);
  await page.getByRole('button', { name: /^支付 Pay/ }).click();
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?paid=1$/);
  await expect
    .poll(() => page.getByTestId('order-status-title').textContent(), { timeout: 10_000 })
    .toBe('已支付');
  return ORDER_URL.exec(page.url())![1]!;
}

async function merchantDesk(): Promise<Tab> {
  const desk = await openDesktop(browser, platform.baseUrl);
  await desk.page.goto('/merchant/');
  await desk.page.waitForURL(/\/merchant\/login/);
  await signInToPortal(desk.page, MERCHANT);
  await desk.page.waitForURL(/\/merchant\/orders$/);
  await desk.page.getByTestId('live-state').getByText('实时接单中').waitFor();
  return desk;
}

const row = (page: Page, orderId: string) =>
  page.locator('tr.order-row', { has: page.locator(`[data-order-id="${orderId}"]`) });

describe('the resident sees the order move as the merchant works, at 390×844', () => {
  it('updates the open order page within 3 s of each step, and leaves a message for each', async () => {
    const phone = await residentPhone();
    const desk = await merchantDesk();
    const { page } = phone;
    try {
      const orderId = await bookAndPay(page, 2, '09:00');
      // Leave the checkout return page: from here on, only the live feed can move it.
      await page.goto(`/orders/${orderId}`);
      const title = page.getByTestId('order-status-title');
      await expect.poll(() => title.textContent()).toBe('已支付');
      await screenshot(page, 'live-order-paid-zh', { fullPage: false });

      // The merchant, at the portal in another browser, accepts.
      await row(desk.page, orderId).getByRole('button', { name: '接单' }).click();
      await expect.poll(() => title.textContent(), LIVE).toBe('已接单');
      expect(await page.getByTestId('order-hero').innerText()).toContain('商家已接单');
      await expect
        .poll(() => page.getByTestId('order-timeline').innerText(), LIVE)
        .toContain('商家已接单');
      await screenshot(page, 'live-order-accepted-zh', { fullPage: false });

      // The day of service comes: the slot begins in 10 minutes, so the merchant may start (the
      // order's detail offers what may be done when it opens).
      await orderSlotStartsIn(platform.deps, orderId, 10);
      await row(desk.page, orderId).getByRole('button', { name: '详情' }).click();
      const drawer = desk.page.locator('.el-drawer');
      await drawer.getByRole('button', { name: '开始服务' }).click();
      await expect.poll(() => title.textContent(), LIVE).toBe('服务中');
      // Once the service has started there is nothing to cancel.
      expect(await page.getByTestId('action-cancel').count()).toBe(0);

      await drawer.getByRole('button', { name: '完成服务' }).click();
      await expect.poll(() => title.textContent(), LIVE).toBe('待确认');
      await page.getByTestId('action-confirm').waitFor(LIVE);
      await screenshot(page, 'live-order-completed-zh', { fullPage: false });

      // Back to the list: the 消息 tab carries a badge for the five events (paid, accepted, a
      // worker assigned, started, finished) — what the resident did themself is not news to them.
      await page.getByRole('button', { name: '返回' }).click();
      await page.waitForURL((url) => url.pathname === '/orders');
      const tab = page.getByTestId('tab-messages');
      await expect.poll(() => tab.locator('.van-badge').innerText(), LIVE).toBe('5');
      await screenshot(page, 'live-orders-badge-zh', { fullPage: false });

      await tab.click();
      await page.waitForURL((url) => url.pathname === '/messages');
      const messages = page.getByTestId('message');
      await expect.poll(() => messages.count(), LIVE).toBe(5);
      const texts = await messages.allInnerTexts();
      ['服务完成', '服务开始', '已为您安排服务人员', '商家已接单', '支付成功'].forEach(
        (what, i) => {
          expect(texts[i]).toContain(what);
          expect(texts[i]).toContain('日常保洁');
        },
      );
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'live-messages-zh', { fullPage: false });

      // A message opens its order and counts as read.
      await messages.first().click();
      await page.waitForURL(ORDER_URL);
      expect(ORDER_URL.exec(page.url())![1]).toBe(orderId);
      await page.getByRole('button', { name: '返回' }).click();
      await page.waitForURL((url) => url.pathname === '/messages');
      await expect.poll(() => tab.locator('.van-badge').innerText(), LIVE).toBe('4');
      await expect.poll(() => messages.first().getAttribute('data-read'), LIVE).toBe('true');

      // 全部已读 clears the badge.
      await page.getByRole('button', { name: '全部已读' }).click();
      await tab.locator('.van-badge').waitFor({ state: 'detached', ...LIVE });
      expect(phone.errors).toEqual([]);
      expect(desk.errors).toEqual([]);
    } finally {
      await phone.context.close();
      await desk.context.close();
    }
  }, 120_000);

  it('shows a refusal at once: no cancel button, the refund said in the resident’s words', async () => {
    const phone = await residentPhone();
    const desk = await merchantDesk();
    const { page } = phone;
    try {
      const orderId = await bookAndPay(page, 3, '14:00');
      await page.goto(`/orders/${orderId}`);
      await page.getByTestId('action-cancel').waitFor();

      await row(desk.page, orderId).getByRole('button', { name: '拒单' }).click();
      const dialog = desk.page.getByRole('dialog');
      await dialog.getByRole('textbox').fill('人手不足');
      await dialog.getByRole('button', { name: '确认拒单' }).click();

      const title = page.getByTestId('order-status-title');
      await expect.poll(() => title.textContent(), LIVE).toBe('未接单');
      expect(await page.getByTestId('action-cancel').count()).toBe(0);
      // The refund is on its way or already back, as the processor has it at this moment.
      expect(await page.getByTestId('order-hero').innerText()).toMatch(/款项(已|将)原路退回/);
      expect(await page.getByTestId('order-timeline').innerText()).toContain('原因：人手不足');
      await screenshot(page, 'live-order-rejected-zh', { fullPage: false });
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.context.close();
      await desk.context.close();
    }
  }, 120_000);
});
