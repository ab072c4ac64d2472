import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { horizontalOverflow, launchBrowser, openPhone, screenshot } from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const PASSWORD = 'demo1234';
/** The daughter, at 2-202, who has her mother's profile saved. */
const DAUGHTER = '13800000002';
/** The mother's household, at 1-101. */
const MOTHER = '13800000001';
const PHONE = { width: 390, height: 844 };
const POLL = { timeout: 10_000 };
const ORDER_URL = /\/orders\/([0-9a-f-]{36})(\?|$)/;

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function signIn(page: Page, phone: string) {
  await page.goto('/login');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

describe('家人代订 on 390×844 phones', () => {
  it("the daughter books care for her mother's saved profile, and both see the order", async () => {
    const daughter = await openPhone(browser, platform.baseUrl, PHONE);
    const mother = await openPhone(browser, platform.baseUrl, PHONE);
    try {
      const page = daughter.page;
      await signIn(page, DAUGHTER);

      // 我的 → 家人与地址: the mother's saved profile, where she lives.
      await page.goto('/me');
      await page.getByTestId('open-family').waitFor();
      await screenshot(page, 'family-me-zh', { fullPage: false });
      await page.getByTestId('open-family').click();
      await page.waitForURL((url) => url.pathname === '/me/family');
      const card = page.getByTestId('family-card');
      await card.waitFor();
      expect(await card.innerText()).toContain('张桂兰');
      expect(await card.innerText()).toContain('母亲');
      expect(await card.innerText()).toContain('1-101');
      expect(await page.locator('main').innerText()).toContain('张桂兰 住这里');
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'family-list-zh', { fullPage: false });

      // A new profile is checked by the shared schema at the field, before any request.
      await page.getByTestId('family-add').click();
      const form = page.locator('.family-form');
      await form.getByLabel('年龄').fill('250');
      await form.getByText('年龄需在 1–120 岁之间').waitFor();
      await form.getByTestId('family-save').click();
      await form.getByText('请填写与您的关系').waitFor();
      await form.getByText('请选择家人所住的房号').waitFor();
      await screenshot(page, 'family-form-errors-zh', { fullPage: false });
      await page.locator('.van-popup__close-icon').click();
      await form.waitFor({ state: 'hidden' });

      // 老人陪护 in a slot, for 母亲 · 张桂兰: her profile fills the form, served at her flat.
      await page.goto('/');
      await page.getByRole('link', { name: /^老人陪护/ }).click();
      await page.waitForURL(/\/services\/[0-9a-f-]{36}$/);
      await page.getByRole('group', { name: '选择日期' }).getByRole('button').nth(2).click();
      const slot = page.getByRole('radio', { name: /^08:00/ });
      await slot.waitFor();
      await slot.click();
      await page.getByTestId('family-choice').filter({ hasText: '张桂兰' }).click();
      expect(await page.getByLabel('姓名').inputValue()).toBe('张桂兰');
      expect(await page.getByLabel('年龄').inputValue()).toBe('78');
      expect(await page.getByTestId('address').innerText()).toContain('1-101');
      expect(await horizontalOverflow(page)).toBe(0);
      await page.getByTestId('family-choice').scrollIntoViewIfNeeded();
      await screenshot(page, 'family-booking-form-zh', { fullPage: false });

      await page.getByTestId('submit-booking').click();
      await page.waitForURL((url) => url.origin !== platform.baseUrl);
      await page.getByRole('button', { name: /^支付 Pay/ }).click();
      await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?paid=1$/);
      const orderId = ORDER_URL.exec(page.url())![1]!;
      await expect
        .poll(() => page.getByTestId('order-status-title').textContent(), POLL)
        .toBe('已支付');
      expect(await page.getByTestId('order-family').innerText()).toContain('1号楼 1-101');
      expect(await page.getByTestId('order-address').innerText()).toContain('1-101');
      const orderNo = (await page.getByTestId('order-no').innerText()).trim();
      expect(orderNo).toMatch(/^\d{6,}$/);

      // The daughter's orders: hers, marked 为家人预约.
      await page.goto('/orders');
      const mine = page.getByTestId('order-card').first();
      await mine.waitFor();
      expect(await mine.getByTestId('order-card-family').innerText()).toBe('为家人预约');
      await screenshot(page, 'family-orders-daughter-zh', { fullPage: false });

      // The mother's household sees it in her orders as 家人为您预约, to follow, not to pay.
      await signIn(mother.page, MOTHER);
      await mother.page.goto('/orders');
      const hers = mother.page.getByTestId('order-card').first();
      await hers.waitFor();
      expect(await hers.getByTestId('order-card-family').innerText()).toBe('家人为您预约');
      expect(await hers.innerText()).toContain('老人陪护');
      // The acceptance countdown, as on the booker's card.
      expect(await hers.getByTestId('order-countdown').innerText()).toMatch(
        /^\d{1,2}:\d{2} 内商家接单，超时自动全额退款$/,
      );
      await screenshot(mother.page, 'family-orders-mother-zh', { fullPage: false });
      await hers.click();
      await mother.page.waitForURL(new RegExp(`/orders/${orderId}$`));
      const notice = mother.page.getByTestId('order-family');
      await notice.waitFor();
      expect(await notice.innerText()).toContain('李先生 为您预约');
      expect(await mother.page.getByTestId('order-no').innerText()).toBe(orderNo);
      expect(await mother.page.getByTestId('action-cancel').count()).toBe(0);
      expect(await horizontalOverflow(mother.page)).toBe(0);
      await screenshot(mother.page, 'family-order-mother-zh', { fullPage: false });

      expect(daughter.errors).toEqual([]);
      expect(mother.errors).toEqual([]);
    } finally {
      await daughter.context.close();
      await mother.context.close();
    }
  });
});
