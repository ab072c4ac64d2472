import { merchants, services, slots, users } from '@cgp/db';
import { bookSlot, callerFor, submitCheckoutPage } from '@cgp/api/testing';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  horizontalOverflow,
  launchBrowser,
  openDesktop,
  openPhone,
  screenshot,
} from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const PASSWORD = 'demo1234';
const RESIDENT = '13800000001';
const OPS = '13700000002';
const OWNER = '13900000001';
const PHONE = { width: 390, height: 844 };
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

async function signIn(page: Page, phone: string, redirect = '/') {
  await page.goto(`/login?redirect=${redirect}`);
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname === redirect);
}

const userId = async (phone: string) =>
  (await platform.deps.db.select().from(users).where(eq(users.phone, phone)))[0]!.id;

/** The resident books 阳光家政's 日常保洁, pays with WeChat Pay, and the owner accepts it. */
async function acceptedOrderPaidByWeChat() {
  const { db } = platform.deps;
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
  const residentId = await userId(RESIDENT);
  const order = await bookSlot(platform.deps, residentId, slot!.id, { quantity: 2 });
  const resident = await callerFor(platform.deps, residentId);
  const { url } = await resident.payment.checkout({ orderId: order.id });
  await submitCheckoutPage(url, 'succeeded', 'wechat_pay');
  await platform.deps.sandbox.waitForWebhooks();
  const owner = await callerFor(platform.deps, await userId(OWNER));
  await expect
    .poll(async () => (await resident.order.get({ id: order.id })).status, POLL)
    .toBe('paid');
  await owner.merchant.orders.accept({ id: order.id });
  return order;
}

describe('客服 and contact on a 390×844 phone', () => {
  it('我的 shows the property desk with a tel: link, and follows what ops set in the console', async () => {
    const phone = await openPhone(browser, platform.baseUrl, PHONE);
    const desktop = await openDesktop(browser, platform.baseUrl, 'Asia/Shanghai');
    try {
      const { page } = phone;
      await signIn(page, RESIDENT);
      await page.goto('/me');
      const desk = page.getByTestId('service-desk');
      const call = desk.getByTestId('service-desk-call');
      await call.waitFor();
      expect(await desk.innerText()).toContain('物业客服');
      expect(await desk.innerText()).toContain('服务时间：每天 8:00–20:00');
      expect(await call.innerText()).toContain('0571-88886666');
      expect(await call.getAttribute('href')).toBe('tel:057188886666');
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'me-service-desk-zh', { fullPage: false });

      // Ops change the desk in the console; the resident sees the new number.
      await signIn(desktop.page, OPS, '/console/service-desk');
      const form = desktop.page.getByTestId('service-desk-form');
      await expect
        .poll(() => desktop.page.getByTestId('service-desk-phone').inputValue(), POLL)
        .toBe('0571-88886666');
      await desktop.page.getByTestId('service-desk-phone').fill('不是号码');
      await desktop.page.getByTestId('service-desk-save').click();
      await form.getByText('请输入电话号码').waitFor();
      await screenshot(desktop.page, 'console-service-desk-error-zh', { fullPage: false });
      await desktop.page.getByTestId('service-desk-phone').fill('400-800-1234');
      await desktop.page.getByTestId('service-desk-hours').fill('工作日 9:00–18:00');
      await desktop.page.getByTestId('service-desk-save').click();
      await desktop.page.getByText('客服电话已更新').waitFor();
      await screenshot(desktop.page, 'console-service-desk-zh', { fullPage: false });

      await page.reload();
      await expect.poll(() => call.getAttribute('href'), POLL).toBe('tel:4008001234');
      expect(await desk.innerText()).toContain('工作日 9:00–18:00');
      expect(phone.errors).toEqual([]);
      expect(desktop.errors).toEqual([]);
    } finally {
      await phone.context.close();
      await desktop.context.close();
    }
  }, 90_000);

  it('the order page says how it was paid and calls the merchant and the worker by hidden number', async () => {
    const order = await acceptedOrderPaidByWeChat();
    const phone = await openPhone(browser, platform.baseUrl, PHONE);
    try {
      const { page } = phone;
      await signIn(page, RESIDENT);
      await page.goto(`/orders/${order.id}`);
      await page.getByTestId('order-payment-method').waitFor();
      expect(await page.getByTestId('order-payment-method').innerText()).toContain('微信支付');

      const contacts = page.getByTestId('order-contact');
      await expect.poll(() => contacts.count(), POLL).toBe(2);
      const merchantRow = await contacts.nth(0).innerText();
      expect(merchantRow).toContain('商家 · 阳光家政');
      expect(merchantRow).toContain('139****0001');
      expect(merchantRow).toContain('号码已隐藏');
      const workerRow = await contacts.nth(1).innerText();
      expect(workerRow).toMatch(/服务人员 · (王师傅|刘阿姨)/);
      expect(workerRow).toMatch(/139\*\*\*\*000[12]/);
      const links = page.getByTestId('order-contact-call');
      expect(await links.nth(0).getAttribute('href')).toBe('tel:13900000001');
      expect(await links.nth(1).getAttribute('href')).toMatch(/^tel:1391000000[12]$/);

      // No full number anywhere in the words of the page.
      const text = await page.locator('body').innerText();
      expect(text).not.toMatch(/1[3-9]\d{9}/);
      expect(await horizontalOverflow(page)).toBe(0);
      await page.getByTestId('order-contacts').scrollIntoViewIfNeeded();
      await screenshot(page, 'order-contact-payment-zh', { fullPage: false });
      await screenshot(page, 'order-contact-payment-full-zh');
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.context.close();
    }
  }, 60_000);
});
